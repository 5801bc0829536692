/**
 * Fits the ranker's feature weights (src/discovery/weights.ts) on every evaluation set at once and
 * shows what generalizes: `npx tsx bench/discovery-fit.ts [--write]`.
 *
 * There are two weight sets, for requests of one step and of several. They are fitted together: each
 * candidate's row holds its features twice, once in the columns of its request's kind and zeros in
 * the other's, so one weight vector of twice the features is both sets. A request of several steps is
 * measured as search ranks it: each step's best candidate under the one-step weights keeps a place
 * in the first five (step-slots.ts), so the one-step weights are fitted for that use too.
 *
 * The objective is the mean recall@5 (and a tenth of the MRR) over the sets, each set counting once,
 * less a steep penalty for any set where ours falls below plain BM25 on recall@5, recall@1 or MRR. It starts from a
 * pairwise logistic fit (relevant above irrelevant candidates) and then searches weight by weight on
 * the objective itself. Leave-one-set-out
 * fits on all sets but one and measures the one left out: the figure to trust for a registry nobody
 * tuned on. Prints one JSON line per fit; --write stores the all-set weights.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { evaluate } from "../src/discovery/eval.ts";
import { bm25Over, type EvalSet, localDenseFor, readEvalSetDir, searchOver } from "../src/discovery/eval-sets.ts";
import {
  clausesOf,
  DENSE_FEATURES,
  FEATURES,
  type Feature,
  type FeatureWeights,
  LEXICAL_FEATURES,
  type RankerWeights,
} from "../src/discovery/features.ts";
import { bestBy, withReservedSlots } from "../src/discovery/step-slots.ts";
import { FileVectorCache } from "../src/discovery/vector-file.ts";
import { DISCOVERY_SETS, REPO } from "./discovery-sets.ts";

interface QueryRows {
  /** Feature values of each candidate: FEATURES order in the columns of the request's kind (COLUMNS). */
  rows: Float64Array[];
  relevant: boolean[];
  wanted: number;
  /** A request of several steps: per step, its candidates that are candidates of the whole too (one-step columns). */
  steps: { index: number; row: Float64Array }[][];
}
interface SetRows {
  name: string;
  queries: QueryRows[];
  /** Plain BM25's recall@5, recall@1 and MRR on the set: the floor. */
  bm25: number;
  bm25Recall1: number;
  bm25Mrr: number;
}

const round = (value: number) => Math.round(value * 1000) / 1000;
/** A request of one step reads the first FEATURES.length columns; one of several, the rest. */
const COLUMNS = FEATURES.length * 2;

function kindColumns(values: Float64Array, multi: boolean): Float64Array {
  const row = new Float64Array(COLUMNS);
  row.set(values, multi ? FEATURES.length : 0);
  return row;
}

async function rowsOf(set: EvalSet, hybrid: boolean, cache: FileVectorCache): Promise<SetRows> {
  const dense = hybrid ? await localDenseFor(set, cache) : undefined;
  const search = searchOver(set.tools, dense);
  const queries: QueryRows[] = [];
  for (const query of set.queries) {
    const signal = await search.similaritiesFor(query.query);
    const candidates = search.candidates({ query: query.query }, signal);
    const relevant = new Set(query.relevant);
    const multi = clausesOf(query.query).length > 1;
    const indexOf = new Map(candidates.map((candidate, i) => [candidate.id, i]));
    const steps = search.stepCandidates({ query: query.query }, signal).map((step) =>
      step.flatMap((candidate) => {
        const index = indexOf.get(candidate.id);
        return index === undefined ? [] : [{ index, row: kindColumns(candidate.values, false) }];
      }),
    );
    queries.push({
      steps,
      rows: candidates.map((candidate) => kindColumns(candidate.values, multi)),
      relevant: candidates.map((candidate) => relevant.has(candidate.id)),
      wanted: relevant.size,
    });
  }
  const floor = await evaluate(bm25Over(set), set.queries);
  return {
    name: set.name,
    queries,
    bm25: floor["recall@5"] as number,
    bm25Recall1: floor["recall@1"] as number,
    bm25Mrr: floor.mrr as number,
  };
}

/** Recall@5, recall@1 and MRR of a set's candidates under weights. */
function measure(set: SetRows, w: Float64Array): { recall: number; recall1: number; mrr: number } {
  let recall = 0;
  let recall1 = 0;
  let mrr = 0;
  for (const query of set.queries) {
    const order = query.rows.map((row, i) => ({ score: dot(row, w), i })).sort((a, b) => b.score - a.score);
    // Each step's best candidate under the one-step weights keeps a place in the first five, as in search.
    const stepBests = new Set(query.steps.map((step) => bestBy(step, ({ row }) => dot(row, w))?.index));
    const scored = withReservedSlots(order, (item) => stepBests.has(item.i)).map((item) => ({
      relevant: query.relevant[item.i] as boolean,
    }));
    recall += scored.slice(0, 5).filter((item) => item.relevant).length / query.wanted;
    recall1 += scored[0]?.relevant ? 1 / query.wanted : 0;
    const first = scored.findIndex((item) => item.relevant);
    mrr += first === -1 ? 0 : 1 / (first + 1);
  }
  const n = set.queries.length;
  return { recall: recall / n, recall1: recall1 / n, mrr: mrr / n };
}

const recallAt5 = (set: SetRows, w: Float64Array) => measure(set, w).recall;

const dot = (a: Float64Array, b: Float64Array) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
};

function objective(sets: readonly SetRows[], w: Float64Array): number {
  let sum = 0;
  for (const set of sets) {
    const { recall, recall1, mrr } = measure(set, w);
    const below =
      Math.max(0, set.bm25 - recall) + Math.max(0, set.bm25Recall1 - recall1) + Math.max(0, set.bm25Mrr - mrr);
    sum += recall + 0.1 * mrr - 10 * below;
  }
  return sum / sets.length;
}

/** Pairwise logistic regression: each relevant candidate above up to 20 irrelevant ones of its query. */
function logistic(sets: readonly SetRows[], active: readonly number[]): Float64Array {
  const pairs: { diff: Float64Array; weight: number }[] = [];
  for (const set of sets) {
    const before = pairs.length;
    for (const query of set.queries) {
      const negatives = query.rows.filter((_, i) => !query.relevant[i]).slice(0, 20);
      query.rows.forEach((row, i) => {
        if (!query.relevant[i]) return;
        for (const negative of negatives)
          pairs.push({ diff: row.map((v, j) => v - (negative[j] as number)), weight: 0 });
      });
    }
    // Each set weighs the same whatever its number of pairs.
    for (let i = before; i < pairs.length; i++) (pairs[i] as { weight: number }).weight = 1 / (pairs.length - before);
  }
  const w = new Float64Array(COLUMNS);
  for (let epoch = 0; epoch < 300; epoch++) {
    const gradient = new Float64Array(COLUMNS);
    for (const { diff, weight } of pairs) {
      const p = 1 / (1 + Math.exp(dot(diff, w)));
      for (const j of active) gradient[j] = (gradient[j] as number) - weight * p * (diff[j] as number);
    }
    for (const j of active) w[j] = (w[j] as number) - 0.5 * ((gradient[j] as number) + 1e-3 * (w[j] as number));
  }
  return w;
}

/** Weight-by-weight search on the objective, from the logistic fit. */
function fitWeights(sets: readonly SetRows[], active: readonly number[]): Float64Array {
  const w = logistic(sets, active);
  let bestScore = objective(sets, w);
  for (let pass = 0; pass < 6; pass++) {
    for (const j of active) {
      const start = w[j] as number;
      for (const factor of [0, 0.5, 0.75, 1.33, 2]) {
        w[j] = start * factor;
        const score = objective(sets, w);
        if (score > bestScore + 1e-6) bestScore = score;
        else w[j] = start;
        if (w[j] !== start) break;
      }
    }
  }
  return w;
}

const weightsOf = (w: Float64Array, active: readonly number[]): RankerWeights => {
  const set = (offset: number): FeatureWeights =>
    Object.fromEntries(
      active.filter((j) => j < FEATURES.length).map((j) => [FEATURES[j] as Feature, round(w[j + offset] as number)]),
    );
  return { single: set(0), multi: set(FEATURES.length) };
};

const sets = DISCOVERY_SETS.map((spec) => readEvalSetDir(spec));
const cache = new FileVectorCache(join(REPO, ".codemem", "cache", "vectors.bin"));
const fitted: Record<string, RankerWeights> = {};
for (const mode of ["lexical", "hybrid"] as const) {
  const active = (mode === "lexical" ? LEXICAL_FEATURES : [...LEXICAL_FEATURES, ...DENSE_FEATURES])
    .map((f) => FEATURES.indexOf(f))
    .flatMap((j) => [j, j + FEATURES.length]);
  const rows: SetRows[] = [];
  for (const set of sets) rows.push(await rowsOf(set, mode === "hybrid", cache));
  const all = fitWeights(rows, active);
  fitted[mode] = weightsOf(all, active);
  const inSample = Object.fromEntries(rows.map((set) => [set.name, round(recallAt5(set, all))]));
  const heldOut = Object.fromEntries(
    rows.map((set) => [
      set.name,
      round(
        recallAt5(
          set,
          fitWeights(
            rows.filter((other) => other !== set),
            active,
          ),
        ),
      ),
    ]),
  );
  const bm25 = Object.fromEntries(rows.map((set) => [set.name, round(set.bm25)]));
  process.stdout.write(
    `${JSON.stringify({ fit: mode, "recall@5": { all_sets: inSample, left_out: heldOut, bm25 }, weights: fitted[mode] })}\n`,
  );
}

if (process.argv.includes("--write")) {
  const set = (weights: FeatureWeights | undefined) =>
    Object.entries(weights ?? {})
      .filter(([, value]) => value !== 0)
      .map(([feature, value]) => `    ${feature}: ${value},`)
      .join("\n");
  const body = (weights: RankerWeights | undefined) =>
    `  single: {\n${set(weights?.single)}\n  },\n  multi: {\n${set(weights?.multi)}\n  },`;
  writeFileSync(
    join(REPO, "src", "discovery", "weights.ts"),
    `import type { RankerWeights } from "./features.ts";

// Written by \`npx tsx bench/discovery-fit.ts --write\`, fitted on every evaluation set at once (each
// set weighs the same; see bench/data/discovery/README.md). Refit after changing a feature.

/** Weights without embeddings. */
export const LEXICAL_WEIGHTS: RankerWeights = {
${body(fitted.lexical)}
};

/** Weights with embeddings (a local model or an OpenAI-compatible endpoint). */
export const HYBRID_WEIGHTS: RankerWeights = {
${body(fitted.hybrid)}
};
`,
  );
}
