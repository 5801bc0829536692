/**
 * Source run inside each fresh isolate before the user's code. It receives the host functions as
 * closure arguments ($0 bridge, $1 log, $2 timer), so no Reference is ever reachable from the global.
 * Only strings cross the boundary: arguments and results are JSON.
 *
 * The bridge never rejects (a rejecting host function surfaced as an unhandled rejection that killed
 * the host with isolated-vm 5.0.4 on Node 20): it resolves `{value}` or `{error}` and this side throws.
 */
export interface PreludeConfig {
  toolIds: readonly string[];
  headChars: number;
  tailChars: number;
}

export const SETTLE_FUNCTION = "__codemem_settle__";

export function preludeSource(config: PreludeConfig): string {
  return `"use strict";
const bridge = $0, logHost = $1, timerHost = $2;
const config = ${JSON.stringify(config)};
const { parse, stringify } = JSON;
const toolIds = new Set(config.toolIds);
const freeze = Object.freeze, defineProperty = Object.defineProperty;
// WebAssembly memories live outside the V8 heap limit (a 64 MB isolate grew one to 1.9 GB here),
// and probes and skills never need WebAssembly.
delete globalThis.WebAssembly;

// --- console: the head goes to the host line by line; past it only a tail is kept here ---
let headUsed = 0, headOpen = true, tail = [], tailLen = 0, totalChars = 0;
const emit = (line) => {
  totalChars += line.length + 1;
  if (headOpen) {
    if (headUsed + line.length + 1 <= config.headChars) {
      headUsed += line.length + 1;
      logHost.applySync(undefined, [line]);
      return;
    }
    const room = config.headChars - headUsed;
    if (room > 0) logHost.applySync(undefined, [line.slice(0, room)]);
    headUsed = config.headChars;
    headOpen = false;
    line = line.slice(Math.max(room, 0));
  }
  if (line.length > config.tailChars) line = line.slice(line.length - config.tailChars);
  tail.push(line);
  tailLen += line.length + 1;
  while (tailLen > config.tailChars && tail.length > 1) tailLen -= tail.shift().length + 1;
};
const show = (value) => {
  if (typeof value === "string") return value;
  if (value === undefined) return "undefined";
  if (typeof value === "function") return "[Function " + (value.name || "anonymous") + "]";
  if (typeof value === "bigint" || typeof value === "symbol") return String(value);
  if (value instanceof Error) return (value.name || "Error") + ": " + value.message;
  try {
    const seen = new WeakSet();
    return stringify(value, (key, v) => {
      if (typeof v === "bigint") return String(v);
      if (typeof v === "object" && v !== null) { if (seen.has(v)) return "[Circular]"; seen.add(v); }
      return v;
    }, 2) ?? String(value);
  } catch (e) { return String(value); }
};
const log = (...args) => { emit(args.map(show).join(" ")); };
const sandboxConsole = freeze({ log, info: log, warn: log, error: log, debug: log, trace: log,
  dir: (v) => log(v), table: (v) => log(v) });
defineProperty(globalThis, "console", { value: sandboxConsole, writable: false, configurable: false });

// --- tools: only the ids handed in; the host refuses any other id too ---
class ToolError extends Error {
  constructor(id, error) {
    super(error.message);
    this.name = "ToolError";
    this.code = error.code;
    this.tool = id;
    if (error.retryAfterMs !== undefined) this.retryAfterMs = error.retryAfterMs;
  }
}
const callTool = (id, args) => {
  let json;
  try { json = stringify(args === undefined ? {} : args); }
  catch (e) { return Promise.reject(new TypeError("arguments to tools." + id + " must be JSON: " + e.message)); }
  return bridge.apply(undefined, [id, json], { result: { promise: true } }).then((raw) => {
    const reply = parse(raw);
    if (reply.error) throw new ToolError(id, reply.error);
    return reply.value;
  });
};
const toolFunctions = Object.create(null);
for (const id of toolIds) toolFunctions[id] = (args) => callTool(id, args);
const loadedList = () => (toolIds.size === 0 ? "none" : [...toolIds].join(", "));
const tools = new Proxy(freeze(toolFunctions), {
  get(target, prop) {
    if (typeof prop !== "string" || prop === "then" || prop === "toJSON") return undefined;
    if (toolIds.has(prop)) return target[prop];
    const error = new ReferenceError("tools." + prop + " is not loaded in this run. Loaded tools: " + loadedList());
    error.code = "TOOL_NOT_LOADED";
    throw error;
  },
  set() { return false; },
  defineProperty() { return false; },
  deleteProperty() { return false; },
});
defineProperty(globalThis, "tools", { value: tools, writable: false, configurable: false });
const memoryCall = (id, key) => bridge.apply(undefined, [id, stringify({ key: String(key) })], { result: { promise: true } }).then((raw) => {
  const reply = parse(raw);
  if (reply.error) throw new ToolError(id, reply.error);
  return reply.value;
});
defineProperty(globalThis, "__codemem_memory__", {
  value: freeze({ has: (key) => memoryCall("$memory.has", key), add: (key) => memoryCall("$memory.add", key).then(() => undefined) }),
  writable: false,
  configurable: false,
});
defineProperty(globalThis, "ToolError", { value: ToolError, writable: false, configurable: false });

// --- timers: host-backed, cleared by the host when the run ends, so none outlives it ---
let nextTimer = 1;
const liveTimers = new Set();
const setTimeoutImpl = (callback, ms, ...args) => {
  const id = nextTimer++;
  liveTimers.add(id);
  timerHost.apply(undefined, [Number(ms) || 0], { result: { promise: true } }).then(() => {
    if (liveTimers.delete(id) && typeof callback === "function") callback(...args);
  });
  return id;
};
defineProperty(globalThis, "setTimeout", { value: setTimeoutImpl, writable: false, configurable: false });
defineProperty(globalThis, "clearTimeout", { value: (id) => { liveTimers.delete(id); }, writable: false, configurable: false });

// --- settle: runs main and always resolves to one JSON string the host parses ---
const describe = (error) => {
  if (error instanceof Error) {
    return { code: typeof error.code === "string" ? error.code : "SANDBOX_RUNTIME",
      message: (error.name && error.name !== "Error" && error.name !== "ToolError" ? error.name + ": " : "") + error.message };
  }
  return { code: "SANDBOX_RUNTIME", message: "thrown: " + show(error) };
};
const finish = (reply) => {
  reply.tail = tail.join("\\n");
  reply.omittedChars = Math.max(0, totalChars - headUsed - tailLen);
  return stringify(reply);
};
defineProperty(globalThis, "${SETTLE_FUNCTION}", {
  value: (main) => Promise.resolve().then(main).then(
    (value) => {
      let json;
      try { json = value === undefined ? undefined : stringify(value); }
      catch (e) { return finish({ ok: false, error: { code: "SANDBOX_RESULT", message: "the returned value is not JSON: " + e.message } }); }
      return finish(json === undefined ? { ok: true } : { ok: true, valueJson: json });
    },
    (error) => finish({ ok: false, error: describe(error) }),
  ),
  writable: false,
  configurable: false,
});
`;
}
