import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempStateDir } from "../helpers/demo.ts";

describe("npx codemem demo", () => {
  const work = tempStateDir("codemem-demo-cli-");
  afterAll(() => work.cleanup());

  it("should replay the paper's example in the terminal and end with a JSON line", async () => {
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const env: NodeJS.ProcessEnv = { ...process.env, CODEMEM_HOME: join(work.dir, ".codemem") };
      delete env.OPENAI_API_KEY;
      const child = spawn(process.execPath, [join(import.meta.dirname, "..", "..", "bin", "codemem.mjs"), "demo"], {
        cwd: work.dir,
        env,
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    const summary = JSON.parse(lines.at(-1) as string) as Record<string, unknown>;
    expect(summary).toMatchObject({
      demo: "archive",
      model: "replay",
      model_calls: 7,
      skill: "archive-attachments",
      approved: true,
    });
    expect(summary.prompt_tokens).toBeGreaterThan(1000);
    expect(result.stdout).toContain("[demo replay]");
    expect(result.stdout).toContain("you: (clicking the default button) Yes, add a dedup memory");
    expect(result.stdout).toContain("write(s) intercepted, nothing changed");
  }, 120_000);
});
