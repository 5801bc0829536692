import { describe, expect, it } from "vitest";
import { keyPrefix, parseRedisUrl } from "../../src/redis/client.ts";

describe("parseRedisUrl", () => {
  it("should read a single Redis with credentials, database and TLS", () => {
    expect(parseRedisUrl("redis://127.0.0.1:6380")).toEqual({
      cluster: false,
      nodes: [{ host: "127.0.0.1", port: 6380 }],
      options: {},
      display: "redis://127.0.0.1:6380",
    });
    const secure = parseRedisUrl("rediss://codemem:p%40ss@cache.example.com:6380/2");
    expect(secure).toMatchObject({
      cluster: false,
      nodes: [{ host: "cache.example.com", port: 6380 }],
      options: { username: "codemem", password: "p@ss", db: 2, tls: {} },
    });
    expect(secure.display).toBe("rediss://codemem:***@cache.example.com:6380/2");
    expect(parseRedisUrl("redis://:secret@localhost").options).toEqual({ password: "secret" });
    expect(parseRedisUrl("redis://localhost").nodes).toEqual([{ host: "localhost", port: 6379 }]);
  });

  it("should read a cluster's seed nodes, IPv6 included", () => {
    const cluster = parseRedisUrl("rediss+cluster://u:pw@10.0.0.1:7000,10.0.0.2:7001,[::1]:7002");
    expect(cluster).toMatchObject({
      cluster: true,
      nodes: [
        { host: "10.0.0.1", port: 7000 },
        { host: "10.0.0.2", port: 7001 },
        { host: "::1", port: 7002 },
      ],
      options: { username: "u", password: "pw", tls: {} },
    });
    expect(cluster.display).not.toContain("pw");
  });

  it("should refuse what a cluster or a URL cannot be, in one line without the password", () => {
    const refuse = (url: string) => {
      try {
        parseRedisUrl(url);
      } catch (error) {
        return error as { code: string; message: string };
      }
      throw new Error(`accepted ${url}`);
    };
    expect(refuse("redis+cluster://a:1,b:2/3")).toMatchObject({
      code: "CONFIG_INVALID",
      message: expect.stringContaining("only database 0"),
    });
    expect(refuse("redis://a:1,b:2").message).toContain("several hosts need redis+cluster://");
    const bad = refuse("http://user:hunter2@host:1");
    expect(bad.message).toContain("expected redis://");
    expect(bad.message).not.toContain("hunter2");
  });
});

describe("keyPrefix", () => {
  it("should hash-tag the prefix on a cluster only, once", () => {
    expect(keyPrefix("codemem", parseRedisUrl("redis://h:1"))).toBe("codemem");
    expect(keyPrefix("codemem", parseRedisUrl("redis+cluster://h:1,h:2"))).toBe("{codemem}");
    expect(keyPrefix("{codemem}", parseRedisUrl("redis+cluster://h:1"))).toBe("{codemem}");
  });
});
