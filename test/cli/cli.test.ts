import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { demoMcpConfig } from "../../src/demo/mcp-config.ts";
import { runCodemem } from "../helpers/cli.ts";
import { tempStateDir } from "../helpers/demo.ts";

const work = tempStateDir("codemem-cli-");
afterAll(() => work.cleanup());

// Started without --no-node-snapshot on purpose: the bin must add it itself.
const codemem = (args: string[], env: Record<string, string> = {}) =>
  runCodemem(args, {
    cwd: work.dir,
    env: { ...process.env, CODEMEM_HOME: join(work.dir, ".codemem"), DEMO_MAILBOX_SIZE: "40", ...env },
  });

describe("npx codemem", () => {
  it("exec should run a probe against the demo servers and print the raw envelope", async () => {
    const probe = join(work.dir, "probe.ts");
    writeFileSync(probe, "const page = await tools.outlook__list_messages({ $top: 5 });\nconsole.log(page);\n");
    const result = await codemem(["exec", probe]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const envelope = JSON.parse(result.stdout) as { "@odata.context": string; value: unknown[] };
    expect(envelope["@odata.context"]).toContain("graph.microsoft.com");
    expect(envelope.value).toHaveLength(5);
  });

  it("exec should print one error line and exit 1 on a sandbox error", async () => {
    const probe = join(work.dir, "loop.ts");
    writeFileSync(probe, "console.log('before');\nwhile (true) {}\n");
    const result = await codemem(["exec", probe, "--timeout-ms", "300"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("before\n");
    expect(result.stderr).toMatch(/^error: SANDBOX_TIMEOUT: the code ran longer than 300 ms/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("exec should name an unknown tool and a bad flag value", async () => {
    const probe = join(work.dir, "typo.ts");
    writeFileSync(probe, "await tools.outlook__list_mesages({});\n");
    const typo = await codemem(["exec", probe]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain(
      "error: MCP_UNKNOWN_TOOL: there is no tool outlook__list_mesages. Did you mean: outlook__list_messages",
    );
    const flag = await codemem(["exec", probe, "--memory-mb", "two"]);
    expect(flag.stderr.trim()).toBe(
      'error: CONFIG_INVALID: config: sandbox.memoryMb = "two" (from command line): expected a number of megabytes',
    );
  });

  it("tools --mcp should list the apps of a given mcp.json", async () => {
    const config = join(work.dir, "mcp.json");
    writeFileSync(config, JSON.stringify(demoMcpConfig({ stateDir: join(work.dir, "state") })));
    const result = await codemem(["tools", "--json", "--mcp", config]);
    expect(result.code).toBe(0);
    const listing = JSON.parse(result.stdout) as { apps: { app: string; tools: number; readOnly: number }[] };
    expect(listing.apps).toEqual([
      { app: "outlook", transport: "stdio", tools: 4, readOnly: 4, destructive: 0 },
      { app: "onedrive", transport: "stdio", tools: 3, readOnly: 1, destructive: 1 },
    ]);
  });

  it("tools should report a malformed mcp.json in one line", async () => {
    const config = join(work.dir, "broken.json");
    writeFileSync(config, JSON.stringify({ mcpServers: { x: { args: [] } } }));
    const result = await codemem(["tools", "--mcp", config]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("error: CONFIG_INVALID:");
    expect(result.stderr).toContain('"command"');
  });

  it("search should rank the demo registry's tools and exit while the local model is still embedding", async () => {
    const result = await codemem(["search", "create folder upload file", "--app", "onedrive", "--json"], {
      CODEMEM_SEMANTIC: "local",
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const { hits } = JSON.parse(result.stdout) as { hits: { id: string }[] };
    expect(hits.map((hit) => hit.id)).toEqual(
      expect.arrayContaining(["onedrive__create_folder", "onedrive__upload_file"]),
    );
    expect(hits.every((hit) => hit.id.startsWith("onedrive__"))).toBe(true);
  }, 60_000);

  it("search should refuse a mistyped app in one line that names the app meant", async () => {
    const result = await codemem(["search", "send an email", "--app", "outlok"], { CODEMEM_SEMANTIC: "off" });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^error: DISCOVERY_UNKNOWN_APP: unknown app "outlok" \(did you mean outlook\?\)\. Apps: /,
    );
  }, 60_000);

  it("should refuse an unknown command with a hint", async () => {
    const result = await codemem(["frobnicate"]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('error: USAGE: unknown command "frobnicate"; try: codemem help');
  });
});
