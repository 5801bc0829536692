import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningRedisCluster, startRedisCluster } from "../../src/redis/cluster-server.ts";
import { freePort, type RunningRedis, startRedisServer } from "../../src/redis/server.ts";
import { runCodemem } from "../helpers/cli.ts";
import { tempStateDir } from "../helpers/demo.ts";

/** The paper's running example end to end (agent, approval, run) as `codemem demo`, on the given Redis. */
async function demoOn(redisUrl: string, home: string, env: NodeJS.ProcessEnv = {}) {
  const result = await runCodemem(["demo"], {
    cwd: home,
    env: { ...process.env, REDIS_URL: redisUrl, CODEMEM_HOME: join(home, ".codemem"), ...env },
    // Inside the test's own limit, so a hang shows what the demo printed before it.
    timeoutMs: 100_000,
  });
  const printed = `stdout:\n${result.stdout.slice(-3000)}\nstderr:\n${result.stderr.slice(-3000)}`;
  expect(result.stderr, printed).not.toMatch(/CROSSSLOT|MOVED|error/i);
  expect(result.code, printed).toBe(0);
  const summary = JSON.parse(result.stdout.trim().split("\n").at(-1) as string) as Record<string, unknown>;
  expect(summary).toMatchObject({ demo: "archive", approved: true });
  expect(result.stdout).toMatch(/finished in [\d.]+ s\. (\d+) done, 0 skipped, 0 failed of \1\./);
}

describe("a local 3-master Redis Cluster", () => {
  const state = tempStateDir("codemem-cluster-");
  let cluster: RunningRedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster({ dir: join(state.dir, "cluster") });
  });
  afterAll(async () => {
    await cluster?.stop();
    state.cleanup();
  });

  it("should run the running example, every key under one hash tag on one master", async () => {
    await demoOn(cluster.url, state.dir);
    const keys: string[][] = [];
    for (const node of cluster.nodes) {
      const client = new Redis(node.url, { maxRetriesPerRequest: 1 });
      keys.push(await client.keys("*"));
      client.disconnect();
    }
    const used = keys.filter((list) => list.length > 0);
    expect(used).toHaveLength(1);
    expect((used[0] as string[]).every((key) => /^\{codemem[^}]*\}:/.test(key))).toBe(true);
  }, 120_000);
});

describe("Redis over TLS with an ACL user", () => {
  const state = tempStateDir("codemem-tls-");
  let redis: RunningRedis;
  let tlsPort = 0;
  const ca = join(state.dir, "ca.pem");
  beforeAll(async () => {
    // A private CA and a certificate for 127.0.0.1, as a managed Redis would present.
    const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: state.dir, stdio: "ignore" });
    openssl(
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "1",
      "-subj",
      "/CN=codemem test CA",
    );
    openssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "redis.key",
      "-out",
      "redis.csr",
      "-subj",
      "/CN=127.0.0.1",
    );
    writeFileSync(join(state.dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
    openssl(
      "x509",
      "-req",
      "-in",
      "redis.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "redis.pem",
      "-days",
      "1",
      "-extfile",
      "san.ext",
    );
    tlsPort = await freePort();
    redis = await startRedisServer({
      dir: join(state.dir, "redis"),
      extraArgs: [
        ...["--tls-port", String(tlsPort), "--tls-auth-clients", "no"],
        ...["--tls-cert-file", join(state.dir, "redis.pem"), "--tls-key-file", join(state.dir, "redis.key")],
        ...["--tls-ca-cert-file", ca],
        // Nobody gets in without the user's password.
        ...["--user", "default", "off", "--user", "codemem", "on", ">s3cr%t", "~*", "&*", "+@all"],
      ],
    });
  });
  afterAll(async () => {
    await redis?.stop();
    state.cleanup();
  });

  it("should run the running example with rediss:// and a username and password", async () => {
    await demoOn(`rediss://codemem:s3cr%25t@127.0.0.1:${tlsPort}`, state.dir, { NODE_EXTRA_CA_CERTS: ca });
  }, 120_000);
});
