import { spawn } from "node:child_process";
import { Cluster } from "ioredis";
import { describe, expect, it } from "vitest";
import { CODEMEM_BIN, runCodemem } from "../helpers/cli.ts";
import { waitFor } from "../helpers/demo.ts";

describe("codemem redis-cluster", () => {
  it("should start a local cluster that answers, print its REDIS_URL, and stop it on SIGTERM", async () => {
    const child = spawn(process.execPath, [CODEMEM_BIN, "redis-cluster"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await waitFor(() => /^REDIS_URL=\S+$/m.test(stdout), 30_000);
      const url = /^REDIS_URL=(\S+)$/m.exec(stdout)?.[1] as string;
      expect(url).toMatch(/^redis\+cluster:\/\/127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/);
      const nodes = url
        .replace("redis+cluster://", "")
        .split(",")
        .map((node) => ({ host: "127.0.0.1", port: Number(node.split(":")[1]) }));
      const cluster = new Cluster(nodes);
      try {
        await cluster.set("{t}:a", "1");
        expect(await cluster.get("{t}:a")).toBe("1");
        expect(await cluster.cluster("INFO")).toContain("cluster_state:ok");
      } finally {
        cluster.disconnect();
      }
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  }, 60_000);

  it("should refuse a cluster too small to be one, in one line", async () => {
    const result = await runCodemem(["redis-cluster", "--masters", "2"], { cwd: process.cwd() });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe("error: USAGE: --masters takes 3 to 9 (a cluster needs at least 3); got 2");
  });
});
