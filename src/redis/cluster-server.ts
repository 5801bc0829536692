import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { CodedError } from "../errors.ts";
import { findRedisServer, type RunningRedis, startRedisServer } from "./server.ts";

const run = promisify(execFile);

export interface RunningRedisCluster {
  /** `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,…`, what REDIS_URL takes. */
  url: string;
  nodes: RunningRedis[];
  stop(): Promise<void>;
}

/**
 * A local Redis Cluster of `masters` redis-server processes on loopback (no replicas), joined with
 * `redis-cli --cluster create`, for the tests and benchmarks that must hold on a cluster. Resolves once
 * every node reports `cluster_state:ok`.
 */
export async function startRedisCluster(options: { dir: string; masters?: number }): Promise<RunningRedisCluster> {
  const masters = options.masters ?? 3;
  const nodes: RunningRedis[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    for (let i = 0; i < masters; i++) {
      const dir = join(options.dir, `node${i}`);
      nodes.push(
        await startRedisServer({
          dir,
          extraArgs: ["--cluster-enabled", "yes", "--cluster-config-file", join(dir, "nodes.conf")],
        }),
      );
    }
    const cli = join(dirname(findRedisServer() ?? "/usr/bin/redis-server"), "redis-cli");
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await run(cli, ["--cluster", "create", ...addresses, "--cluster-replicas", "0", "--cluster-yes"], {
      timeout: 30_000,
    });
    const deadline = Date.now() + 20_000;
    for (const node of nodes) {
      for (;;) {
        const { stdout } = await run(cli, ["-p", String(node.port), "cluster", "info"]);
        if (stdout.includes("cluster_state:ok")) break;
        if (Date.now() > deadline)
          throw new CodedError("REDIS_START_FAILED", `cluster node ${node.port} did not reach cluster_state:ok`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    return { url: `redis+cluster://${addresses.join(",")}`, nodes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
