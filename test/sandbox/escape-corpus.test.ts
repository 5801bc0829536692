import { afterAll, describe, expect, it } from "vitest";
import { IsolatedSandbox } from "../../src/sandbox/runner.ts";
import type { SandboxResult, SandboxTools } from "../../src/sandbox/types.ts";

/**
 * Untrusted code must stay inside: every case below is contained with a typed outcome, and the host
 * process keeps running normal code afterwards.
 */
const hostCalls: string[] = [];
const tools: SandboxTools = {
  ids: ["demo__echo", "demo__write", "demo__huge", "demo__boom"],
  call: async (id, args) => {
    hostCalls.push(id);
    if (id === "demo__huge") return { blob: "x".repeat(200_000) };
    if (id === "demo__boom") throw Object.assign(new Error("host-side failure"), { code: "TOOL_FAILED" });
    return { echoed: args };
  },
};
const sandbox = new IsolatedSandbox({ defaults: { timeoutMs: 1500, memoryMb: 48, maxOutputChars: 2000 } });
const run = (code: string, limits = {}) => sandbox.run(code, { tools, limits });

interface EscapeCase {
  name: string;
  code: string;
  limits?: Record<string, number>;
  expect: (result: SandboxResult) => void;
}

const returns = (value: unknown) => (result: SandboxResult) => {
  expect(result.error).toBeUndefined();
  expect(result.value).toEqual(value);
};
const failsWith = (code: string, message?: RegExp) => (result: SandboxResult) => {
  expect(result.ok).toBe(false);
  expect(result.error?.code).toBe(code);
  if (message) expect(result.error?.message).toMatch(message);
};

const cases: EscapeCase[] = [
  { name: "process is not defined", code: "return typeof process", expect: returns("undefined") },
  { name: "require is not defined", code: "return typeof require", expect: returns("undefined") },
  {
    name: "module/exports are not defined",
    code: "return [typeof module, typeof exports]",
    expect: returns(["undefined", "undefined"]),
  },
  { name: "globalThis has no process", code: "return globalThis.process === undefined", expect: returns(true) },
  {
    name: "Function constructor chain to process",
    code: "return this?.constructor?.constructor('return process')()",
    expect: failsWith("SANDBOX_RUNTIME", /process is not defined/),
  },
  {
    name: "object constructor chain to the real global",
    code: "const g = ({}).constructor.constructor('return this')(); return [typeof g.process, typeof g.require]",
    expect: returns(["undefined", "undefined"]),
  },
  {
    name: "async function constructor to require",
    code: "return await (async () => {}).constructor('return require')()",
    expect: failsWith("SANDBOX_RUNTIME", /require is not defined/),
  },
  {
    name: "eval sees no host",
    code: "return eval('typeof require + typeof process')",
    expect: returns("undefinedundefined"),
  },
  {
    name: "dynamic import is refused",
    code: "const fs = await import('node:fs'); return typeof fs",
    expect: (r) => expect(r.ok).toBe(false),
  },
  {
    name: "static import does not compile",
    code: "import { readFileSync } from 'node:fs';\nreturn 1",
    expect: failsWith("SANDBOX_COMPILE", /modules are not available/),
  },
  {
    name: "fetch is not defined",
    code: "await fetch('http://127.0.0.1:1/')",
    expect: failsWith("SANDBOX_RUNTIME", /fetch is not defined/),
  },
  {
    name: "no network or host APIs",
    code: "return [typeof XMLHttpRequest, typeof WebSocket, typeof Deno, typeof Bun, typeof Buffer, typeof setInterval]",
    expect: returns(["undefined", "undefined", "undefined", "undefined", "undefined", "undefined"]),
  },
  {
    name: "stack frames expose nothing of the host",
    code: "Error.prepareStackTrace = (_, frames) => frames.map((f) => { try { const t = f.getThis(); return t && typeof t.process } catch { return 'refused' } }); return new Error().stack",
    expect: (r) => {
      expect(r.ok).toBe(true);
      expect(JSON.stringify(r.value)).not.toContain("object");
    },
  },
  {
    name: "no bridge reference on the global",
    code: "return Object.getOwnPropertyNames(globalThis).filter((n) => { if (n === 'tools') return false; const v = globalThis[n]; return v !== null && (typeof v === 'object' || typeof v === 'function') && (typeof v.applySync === 'function' || typeof v.deref === 'function' || /^(bridge|ivm|\\$\\d)$/.test(n)) })",
    expect: returns([]),
  },
  {
    name: "prototype pollution does not take: the realm is frozen",
    code: "Object.prototype.polluted = 'yes'; await tools.demo__echo({ a: 1 }); return [({}).polluted === undefined, ({}).hasOwnProperty('polluted')]",
    expect: (r) => {
      expect(r.value).toEqual([true, false]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(r.calls).toHaveLength(1);
    },
  },
  {
    name: "replacing a built-in method is refused",
    code: "Array.prototype.push = () => 0",
    expect: failsWith("SANDBOX_RUNTIME", /read only property 'push'/),
  },
  {
    name: "strict code writing to a frozen intrinsic fails loudly",
    code: "'use strict'; Object.prototype.polluted = 'yes'",
    expect: failsWith("SANDBOX_RUNTIME", /not extensible/),
  },
  {
    name: "replacing JSON.parse cannot forge tool results",
    code: "JSON.parse = () => ({ value: 'forged' }); const r = await tools.demo__echo({ n: 2 }); return r",
    expect: returns({ echoed: { n: 2 } }),
  },
  {
    name: "a tool that was not handed in",
    code: "return await tools.fs__read_file({ path: '/etc/passwd' })",
    expect: failsWith("TOOL_NOT_LOADED"),
  },
  {
    name: "adding a tool to the tools object",
    code: "try { tools.fs__read_file = async () => 'x' } catch {} return await tools.fs__read_file({})",
    expect: failsWith("TOOL_NOT_LOADED"),
  },
  {
    name: "replacing the tools global",
    code: "Object.defineProperty(globalThis, 'tools', { value: {} })",
    expect: failsWith("SANDBOX_RUNTIME", /Cannot define property tools, object is not extensible/),
  },
  {
    name: "forging the run's result",
    code: 'try { globalThis.__codemem_settle__ = () => \'{"ok":true,"tail":"","omittedChars":0}\' } catch {} throw new Error(\'real failure\')',
    expect: failsWith("SANDBOX_RUNTIME", /real failure/),
  },
  { name: "infinite loop", code: "while (true) {}", expect: failsWith("SANDBOX_TIMEOUT", /without awaiting/) },
  {
    name: "infinite loop after an await",
    code: "await tools.demo__echo({}); for (;;) {}",
    expect: failsWith("SANDBOX_TIMEOUT"),
  },
  { name: "a promise that never settles", code: "await new Promise(() => {})", expect: failsWith("SANDBOX_TIMEOUT") },
  {
    name: "Atomics.wait blocking the thread",
    code: "Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); return 1",
    expect: failsWith("SANDBOX_TIMEOUT"),
  },
  {
    name: "memory bomb after an await (off the caller's thread)",
    code: "await tools.demo__echo({}); const keep = []; while (true) keep.push(new Array(100_000).fill(Math.random()))",
    expect: failsWith("SANDBOX_MEMORY"),
  },
  {
    name: "memory bomb",
    code: "const keep = []; while (true) keep.push(new Array(100_000).fill(Math.random()))",
    expect: failsWith("SANDBOX_MEMORY"),
  },
  {
    name: "WebAssembly memory outside the heap limit",
    code: "return typeof WebAssembly",
    expect: returns("undefined"),
  },
  {
    name: "huge ArrayBuffer",
    code: "return new ArrayBuffer(2 ** 31).byteLength",
    expect: failsWith("SANDBOX_RUNTIME", /allocation failed|Invalid array buffer length/),
  },
  {
    name: "string doubling",
    code: "let s = 'x'; for (;;) s += s",
    expect: (r) => expect(["SANDBOX_RUNTIME", "SANDBOX_MEMORY"]).toContain(r.error?.code),
  },
  { name: "stack overflow", code: "const f = () => f(); f()", expect: failsWith("SANDBOX_RUNTIME", /call stack/) },
  {
    name: "huge output is truncated to head and tail",
    code: "for (let i = 0; i < 200_000; i++) console.log('line ' + i)",
    expect: (r) => {
      expect(r.ok).toBe(true);
      expect(r.output.length).toBeLessThan(2200);
      expect(r.output.startsWith("line 0\nline 1\n")).toBe(true);
      expect(r.output.endsWith("line 199999")).toBe(true);
      expect(r.output).toMatch(/characters of output omitted/);
    },
  },
  {
    name: "one giant log line",
    code: "console.log('y'.repeat(5_000_000)); return 'done'",
    expect: (r) => {
      expect(r.value).toBe("done");
      expect(r.output.length).toBeLessThan(2200);
    },
  },
  {
    name: "a timer that would outlive the run",
    code: "setTimeout(() => tools.demo__write({ late: true }), 150); return 'returned'",
    expect: (r) => expect(r.value).toBe("returned"),
  },
  { name: "a thrown non-Error", code: "throw { secret: 1 }", expect: failsWith("SANDBOX_RUNTIME", /thrown/) },
  { name: "a result that is not JSON", code: "return 10n", expect: failsWith("SANDBOX_RESULT") },
  {
    name: "tool arguments that are not JSON",
    code: "const a = {}; a.a = a; await tools.demo__echo(a)",
    expect: failsWith("SANDBOX_RUNTIME", /must be JSON/),
  },
  {
    name: "a host tool that throws",
    code: "await tools.demo__boom({})",
    expect: failsWith("TOOL_FAILED", /host-side failure/),
  },
  {
    name: "a tool result over the size limit",
    code: "await tools.demo__huge({})",
    limits: { maxResultChars: 10_000 },
    expect: failsWith("TOOL_RESULT_TOO_LARGE"),
  },
  {
    name: "too many tool calls",
    code: "for (let i = 0; i < 100; i++) await tools.demo__echo({ i })",
    limits: { maxToolCalls: 20 },
    expect: failsWith("SANDBOX_TOO_MANY_CALLS"),
  },
  {
    name: "floods of parallel calls are still bounded",
    code: "await Promise.all(Array.from({ length: 500 }, (_, i) => tools.demo__echo({ i })))",
    limits: { maxToolCalls: 100 },
    expect: failsWith("SANDBOX_TOO_MANY_CALLS"),
  },
];

describe("sandbox escape corpus", () => {
  afterAll(async () => {
    // The late timer above must never reach the host.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hostCalls).not.toContain("demo__write");
  });

  it("has at least 30 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const testCase of cases) {
    it(`should contain: ${testCase.name}`, async () => {
      const result = await run(testCase.code, testCase.limits);
      testCase.expect(result);
    });
  }

  it("should keep the host running normal code after the corpus", async () => {
    const result = await run("const r = await tools.demo__echo({ ok: 1 }); console.log('fine'); return r.echoed.ok");
    expect(result).toMatchObject({ ok: true, output: "fine", value: 1 });
  });
});
