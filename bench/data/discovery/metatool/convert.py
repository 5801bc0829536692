#!/usr/bin/env python3
"""Converts MetaTool (MIT licence) into the discovery eval formats, beside this script:
tools.jsonl   {"id","app","name","title","description","parameters"}
queries.jsonl {"query","relevant":[ids],"kind":"single"|"multi"}
Each MetaTool tool is a ChatGPT plugin, so each becomes an app with one tool of the same name.
The single-tool queries are a fixed random sample (seed 0) of 3,000; all 497 multi-tool queries are kept.
Usage: python3 convert.py <checkout of HowieHwong/MetaTool at the commit in SOURCE.md>"""
import csv, json, random, re, pathlib, sys

HERE = pathlib.Path(__file__).parent


def ident(s):
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s.strip())
    s = re.sub(r"[^A-Za-z0-9]+", "_", s).strip("_").lower()
    return s or "x"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: python3 convert.py <checkout of HowieHwong/MetaTool>")
    data = pathlib.Path(sys.argv[1]) / "dataset"
    des = json.load(open(data / "plugin_des.json"))
    human = {p["name_for_model"]: p["name_for_human"] for p in json.load(open(data / "plugin_info.json"))}
    ids = {}
    with open(HERE / "tools.jsonl", "w") as f:
        for name, text in des.items():
            app = ident(name)
            ids[name] = f"{app}__{app}"
            f.write(json.dumps({"id": ids[name], "app": app, "name": app, "title": human.get(name, name),
                                "description": text.strip(), "parameters": {"type": "object", "properties": {}}}) + "\n")
    assert len(set(ids.values())) == len(ids), "id collision"
    single = [r for r in csv.DictReader(open(data / "data" / "all_clean_data.csv", newline=""))]
    random.Random(0).shuffle(single)
    multi = json.load(open(data / "data" / "multi_tool_query_golden.json"))
    with open(HERE / "queries.jsonl", "w") as f:
        for r in single[:3000]:
            f.write(json.dumps({"query": r["Query"].strip(), "relevant": [ids[r["Tool"]]], "kind": "single"}) + "\n")
        for q in multi:
            f.write(json.dumps({"query": q["query"].strip(), "relevant": [ids[t] for t in q["tool"]], "kind": "multi"}) + "\n")
    print(f"{len(ids)} tools, {min(3000, len(single))} single-tool and {len(multi)} multi-tool queries")


if __name__ == "__main__":
    main()
