import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startRedisCluster } from "../redis/cluster-server.ts";
import { userError } from "../errors.ts";
import type { CliIo } from "./io.ts";
import { stopSignal } from "./stop-signal.ts";

export const REDIS_CLUSTER_USAGE = "usage: codemem redis-cluster [--masters N]";

/**
 * `codemem redis-cluster`: a throwaway Redis Cluster of N masters on loopback (redis-server processes
 * joined by redis-cli), to try codemem on a cluster before a managed one; prints its REDIS_URL and
 * stops it, data and all, on Ctrl-C.
 */
export async function redisClusterCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { masters: { type: "string" } } });
  const masters = values.masters === undefined ? 3 : Number(values.masters);
  if (!Number.isInteger(masters) || masters < 3 || masters > 9)
    throw userError("USAGE", `--masters takes 3 to 9 (a cluster needs at least 3); got ${values.masters}`);
  const dir = mkdtempSync(join(tmpdir(), "codemem-cluster-"));
  try {
    const cluster = await startRedisCluster({ dir, masters });
    io.out(`REDIS_URL=${cluster.url}`);
    io.out(`cluster  ${masters} masters on 127.0.0.1 (data in ${dir}); Ctrl-C stops it and deletes the data`);
    await stopSignal();
    await cluster.stop();
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
