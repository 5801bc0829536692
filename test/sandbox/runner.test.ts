import { describe, expect, it } from "vitest";
import { referencedToolIds } from "../../src/sandbox/referenced-tools.ts";
import { IsolatedSandbox } from "../../src/sandbox/runner.ts";
import { moduleExports, transpileModule } from "../../src/sandbox/transpile.ts";
import type { SandboxTools } from "../../src/sandbox/types.ts";

const graphTools: SandboxTools = {
  ids: ["outlook__list_messages"],
  call: async (_id, args) => ({
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#messages",
    value: [
      { id: "1", subject: "Invoice", hasAttachments: true, from: { emailAddress: { address: "a@contoso.com" } } },
    ].slice(0, (args as { $top: number }).$top),
  }),
};

describe("IsolatedSandbox", () => {
  const sandbox = new IsolatedSandbox({ defaults: { timeoutMs: 3000 } });

  it("should run TypeScript with top-level await and print what the probe prints", async () => {
    const result = await sandbox.run(
      "interface Page { value: { subject: string }[] }\nconst page: Page = await tools.outlook__list_messages({ $top: 5 }) as Page;\nconsole.log(`Fetched ${page.value.length} emails`, page.value[0]);",
      { tools: graphTools },
    );
    expect(result.ok).toBe(true);
    expect(result.output).toContain("Fetched 1 emails");
    expect(result.output).toContain('"subject": "Invoice"');
  });

  it("should leave this thread free while sandboxed code spins: timers fire and tool calls are answered", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 20);
    try {
      // 600 ms of spinning, an await, 600 ms more: on this thread, no timer could fire meanwhile.
      const result = await sandbox.run(
        "for (let i = 0; i < 2; i++) { const t = Date.now(); while (Date.now() - t < 600) {} await tools.outlook__list_messages({ $top: 1 }); }",
        { tools: graphTools },
      );
      expect(result.ok).toBe(true);
      expect(result.calls).toHaveLength(2);
    } finally {
      clearInterval(timer);
    }
    // About 60 ticks of 20 ms in 1.2 s; a blocked thread would see none until the end (then one).
    expect(ticks).toBeGreaterThan(10);
  });

  it("should record each tool call with its arguments, duration and the result's shape", async () => {
    const result = await sandbox.run("await tools.outlook__list_messages({ $top: 1 })", { tools: graphTools });
    expect(result.calls).toHaveLength(1);
    const call = result.calls[0];
    expect(call).toMatchObject({ id: "outlook__list_messages", args: { $top: 1 }, ok: true });
    expect(call?.durationMs).toBeGreaterThanOrEqual(0);
    expect(call?.shape).toMatchObject({
      type: "object",
      properties: {
        "@odata.context": { type: "string" },
        value: { type: "array", items: { type: "object", properties: { from: { type: "object" } } } },
      },
    });
  });

  it("should let code catch a tool error and read its code", async () => {
    const failing: SandboxTools = {
      ids: ["onedrive__create_folder"],
      call: async () => {
        throw Object.assign(new Error("onedrive__create_folder failed: nameAlreadyExists"), { code: "TOOL_ERROR" });
      },
    };
    const result = await sandbox.run(
      "try { await tools.onedrive__create_folder({ name: 'X' }) } catch (e) { return [e.name, e.code, e.tool, e instanceof ToolError] }",
      { tools: failing },
    );
    expect(result.value).toEqual(["ToolError", "TOOL_ERROR", "onedrive__create_folder", true]);
    expect(result.calls[0]).toMatchObject({ ok: false, error: { code: "TOOL_ERROR" } });
  });

  it("should report a syntax error with the user's line number", async () => {
    const result = await sandbox.run("const a = 1;\nconst b = ;", { filename: "probe.ts" });
    expect(result.error?.code).toBe("SANDBOX_COMPILE");
    expect(result.error?.message).toMatch(/^probe\.ts:2:/);
  });

  it("should give timers inside the run and clear them at the end", async () => {
    const result = await sandbox.run(
      "const t0 = Date.now(); await new Promise((r) => setTimeout(r, 60)); const id = setTimeout(() => console.log('never'), 10); clearTimeout(id); await new Promise((r) => setTimeout(r, 30)); return Date.now() - t0 >= 55",
    );
    expect(result).toMatchObject({ ok: true, value: true, output: "" });
  });

  it("should use a fresh context per run", async () => {
    await sandbox.run("globalThis.leftover = 42");
    const result = await sandbox.run("return typeof globalThis.leftover");
    expect(result.value).toBe("undefined");
  });

  it("should keep logs printed before a timeout", async () => {
    const result = await sandbox.run("console.log('started'); await new Promise(() => {})", {
      limits: { timeoutMs: 300 },
    });
    expect(result).toMatchObject({ ok: false, output: "started", error: { code: "SANDBOX_TIMEOUT" } });
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
  });
});

describe("moduleExports", () => {
  it("should list function and const exports of a skill module", () => {
    expect(
      [
        ...moduleExports(
          transpileModule("export const items = async () => [];\nexport async function run() {}\nfunction helper() {}"),
        ),
      ].sort(),
    ).toEqual(["items", "run"]);
    expect(moduleExports(transpileModule("const x = 1;")).size).toBe(0);
  });
});

describe("referencedToolIds", () => {
  it("should find dotted, optional and bracketed tool references", () => {
    expect(
      referencedToolIds(
        "await tools.outlook__list_messages({}); tools?.onedrive__upload_file; tools['gmail__send_message']",
      ),
    ).toEqual(["gmail__send_message", "onedrive__upload_file", "outlook__list_messages"]);
  });
});

describe("IsolatedSandbox warm realms", () => {
  const entry = (args: unknown[] = []) => ({ entry: { name: "run", args }, filename: "skill.ts" });

  it("should run items of one skill in a warm realm that keeps nothing of the previous item", async () => {
    const sandbox = new IsolatedSandbox({ defaults: { timeoutMs: 3000 } });
    const skill = `let count = 0;
export async function run(item: { n: number }) {
  count++;
  const seen = [typeof (globalThis as any).leftover, (Array.prototype as any).extra, JSON.parse("1"), RegExp["$1"], count];
  try { (globalThis as any).leftover = item.n; } catch {}
  try { (Array.prototype as any).extra = item.n; } catch {}
  try { JSON.parse = () => "forged"; } catch {}
  /(x)/.exec("x");
  return seen;
}`;
    const first = await sandbox.run(skill, entry([{ n: 1 }]));
    const second = await sandbox.run(skill, entry([{ n: 2 }]));
    // undefined inside an array comes back as null (JSON).
    expect(first.value).toEqual(["undefined", null, 1, null, 1]);
    expect(second.value).toEqual(["undefined", null, 1, null, 1]);
    expect(sandbox.stats()).toEqual({ realmsCreated: 1, realmsReused: 1, realmsIdle: 1 });
    sandbox.close();
  });

  it("should let ordinary code assign over frozen prototype properties (error.name, toString)", async () => {
    const sandbox = new IsolatedSandbox({ defaults: { timeoutMs: 3000 } });
    const skill = `class NotFound extends Error { constructor(m: string) { super(m); this.name = "NotFound"; } }
export async function run() {
  const o: any = {}; o.toString = () => "custom";
  const e = new NotFound("gone");
  return [e.name, String(o), e instanceof Error, new Error("x").name];
}`;
    const result = await sandbox.run(skill, entry());
    expect(result.value).toEqual(["NotFound", "custom", true, "Error"]);
    sandbox.close();
  });

  it("should not let a timer or an unawaited call of one item act during the next", async () => {
    const sandbox = new IsolatedSandbox({ defaults: { timeoutMs: 3000 } });
    const written: unknown[] = [];
    const tools: SandboxTools = { ids: ["demo__write"], call: async (_id, args) => void written.push(args) };
    const skill = `export async function run(item: string, _params: unknown, ctx: any) {
  if (item === "first") {
    setTimeout(() => { console.log("late timer"); ctx.tools.demo__write({ from: "timer" }); }, 50);
    ctx.tools.demo__write({ from: "unawaited" });
    return item;
  }
  await ctx.tools.demo__write({ from: item });
  await new Promise((resolve) => setTimeout(resolve, 200));
  return item;
}`;
    const first = await sandbox.run(skill, { ...entry(["first", {}]), tools });
    expect(first.value).toBe("first");
    // The unawaited call was made during the first run (and is its call); its timer never fires.
    expect(first.calls.map((call) => call.args)).toEqual([{ from: "unawaited" }]);
    const second = await sandbox.run(skill, { ...entry(["second", {}]), tools });
    expect(second).toMatchObject({ ok: true, value: "second", output: "" });
    expect(second.calls.map((call) => call.args)).toEqual([{ from: "second" }]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(written).toEqual([{ from: "unawaited" }, { from: "second" }]);
    // A call still in flight when the first run ended: its realm was not given to the second.
    expect(sandbox.stats()).toEqual({ realmsCreated: 2, realmsReused: 0, realmsIdle: 1 });
    sandbox.close();
  });

  it("should not reuse a realm whose run timed out", async () => {
    const sandbox = new IsolatedSandbox({ defaults: { timeoutMs: 400 } });
    const skill = `export async function run(item: string) {
  if (item === "hang") await new Promise(() => {});
  return item;
}`;
    expect((await sandbox.run(skill, entry(["plain"]))).value).toBe("plain");
    expect((await sandbox.run(skill, entry(["hang"]))).error?.code).toBe("SANDBOX_TIMEOUT");
    expect((await sandbox.run(skill, entry(["plain"]))).value).toBe("plain");
    expect(sandbox.stats()).toEqual({ realmsCreated: 2, realmsReused: 1, realmsIdle: 1 });
    sandbox.close();
  });

  it("should give different skills different realms", async () => {
    const sandbox = new IsolatedSandbox({ defaults: { timeoutMs: 3000 } });
    await sandbox.run("export async function run() { return 1 }", entry());
    await sandbox.run("export async function run() { return 2 }", entry());
    expect(sandbox.stats()).toEqual({ realmsCreated: 2, realmsReused: 0, realmsIdle: 2 });
    sandbox.close();
  });
});
