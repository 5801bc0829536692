/**
 * Source evaluated once in each new context (a "realm"): it installs `__codemem_open__`, which builds
 * the per-run scope (tools, console, timers, memory, settle), and then freezes every intrinsic and the
 * global object. A frozen realm keeps nothing from one run to the next — no global, no prototype, no
 * JSON.parse can be changed — so a warm realm can host the next item of the same skill as safely as a
 * new one, for a fraction of the cost (the approach of SES's lockdown()).
 *
 * A run's code runs on isolated-vm's threads, one stretch between awaits at a time: the host starts a
 * run with apply and later hands each tool result or timer tick back with apply (deliver); the code's
 * requests come back to the host's thread through $0 (applySync from the isolate). Each crossing costs
 * a thread wake-up (~50–100 µs per await), which a skill item with real tool calls does not notice;
 * running stretches on the host's thread instead (applySync) let a spinning probe stall every HTTP
 * answer, Slack ack and lock renewal of the process for up to a second per stretch.
 *
 * The realm's one host function ($0) lives in this closure, so no Reference is ever reachable from
 * the global; each request carries its run's token, and the host answers only the run in progress,
 * so code left over from an earlier run cannot act or log in a later one. Only strings and numbers
 * cross the boundary: arguments and results are JSON.
 */
export const OPEN_FUNCTION = "__codemem_open__";

/** What `__codemem_open__(token, configJson, argsJson)` receives as its config (JSON). */
export interface RunScopeConfig {
  toolIds: readonly string[];
  headChars: number;
  tailChars: number;
}

export const REALM_SOURCE = `"use strict";
const host = $0;
return (() => {
const { parse, stringify } = JSON;
const freeze = Object.freeze, defineProperty = Object.defineProperty, getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const getPrototypeOf = Object.getPrototypeOf, ownKeys = Reflect.ownKeys, hasOwn = Object.prototype.hasOwnProperty;
const PromiseCtor = Promise, ProxyCtor = Proxy, SetCtor = Set, WeakSetCtor = WeakSet;

// WebAssembly memories live outside the V8 heap limit (a 64 MB isolate grew one to 1.9 GB here),
// and probes and skills never need WebAssembly.
delete globalThis.WebAssembly;
// RegExp's legacy statics (RegExp.$1, lastMatch…) would carry the last match of one run into the next.
for (const name of ["input", "$_", "lastMatch", "$&", "lastParen", "$+", "leftContext", "$\`", "rightContext", "$'", "$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$9"]) delete RegExp[name];

class ToolError extends Error {
  constructor(id, error) {
    super(error.message);
    this.code = error.code;
    this.tool = id;
    if (typeof error.retryable === "boolean") this.retryable = error.retryable;
    if (error.retryAfterMs !== undefined) this.retryAfterMs = error.retryAfterMs;
  }
}
defineProperty(ToolError.prototype, "name", { value: "ToolError", writable: true, configurable: true });

const show = (value) => {
  if (typeof value === "string") return value;
  if (value === undefined) return "undefined";
  if (typeof value === "function") return "[Function " + (value.name || "anonymous") + "]";
  if (typeof value === "bigint" || typeof value === "symbol") return String(value);
  if (value instanceof Error) return (value.name || "Error") + ": " + value.message;
  try {
    const seen = new WeakSetCtor();
    return stringify(value, (key, v) => {
      if (typeof v === "bigint") return String(v);
      if (typeof v === "object" && v !== null) { if (seen.has(v)) return "[Circular]"; seen.add(v); }
      return v;
    }, 2) ?? String(value);
  } catch (e) { return String(value); }
};
const describe = (error) => {
  if (error instanceof Error) {
    const described = { code: typeof error.code === "string" ? error.code : "SANDBOX_RUNTIME",
      message: (error.name && error.name !== "Error" && error.name !== "ToolError" ? error.name + ": " : "") + error.message };
    if (typeof error.retryable === "boolean") described.retryable = error.retryable;
    return described;
  }
  return { code: "SANDBOX_RUNTIME", message: "thrown: " + show(error) };
};

// Each run's delivery function by token: the host hands tool results and timer ticks to the run
// that asked, and to nobody once that run has ended.
const runs = new Map();
const deliver = (token, ticket, json) => { const run = runs.get(token); if (run !== undefined) run(ticket, json); };

// One run's scope: everything here is per run, so nothing of one run is reachable from the next.
// Items of one skill pass the same config: parse it once.
let lastConfigJson, lastConfig;
const open = (token, configJson, argsJson) => {
  const config = configJson === lastConfigJson ? lastConfig : (lastConfig = freeze(parse(configJson)));
  lastConfigJson = configJson;
  const ask = (op, a, b) => host.applySync(undefined, [token, op, a, b]);
  // Tickets the host will answer through deliver(): tool calls and timers.
  const waiting = new Map();
  runs.set(token, (ticket, json) => {
    const answer = waiting.get(ticket);
    if (answer === undefined) return;
    waiting.delete(ticket);
    answer(json);
  });

  // --- console: the head goes to the host line by line; past it only a tail is kept here ---
  let headUsed = 0, headOpen = true, tail = [], tailLen = 0, totalChars = 0;
  const emit = (line) => {
    totalChars += line.length + 1;
    if (headOpen) {
      if (headUsed + line.length + 1 <= config.headChars) {
        headUsed += line.length + 1;
        ask("log", line);
        return;
      }
      const room = config.headChars - headUsed;
      if (room > 0) ask("log", line.slice(0, room));
      headUsed = config.headChars;
      headOpen = false;
      line = line.slice(Math.max(room, 0));
    }
    if (line.length > config.tailChars) line = line.slice(line.length - config.tailChars);
    tail.push(line);
    tailLen += line.length + 1;
    while (tailLen > config.tailChars && tail.length > 1) tailLen -= tail.shift().length + 1;
  };
  const log = (...args) => { emit(args.map(show).join(" ")); };
  const console = freeze({ log, info: log, warn: log, error: log, debug: log, trace: log, dir: (v) => log(v), table: (v) => log(v) });

  // --- tools: only the ids handed in; the host refuses any other id too ---
  // The host answers a refusal at once (a JSON string) or later, through a ticket (a number).
  const call = (id, json) => {
    const ticket = ask("call", id, json);
    const raw = typeof ticket === "number" ? new PromiseCtor((resolve) => waiting.set(ticket, resolve)) : PromiseCtor.resolve(ticket);
    return raw.then((text) => {
      const reply = parse(text);
      if (reply.error) throw new ToolError(id, reply.error);
      return reply.value;
    });
  };
  const toolIds = new SetCtor(config.toolIds);
  const toolFunctions = Object.create(null);
  for (const id of toolIds) {
    toolFunctions[id] = (args) => {
      let json;
      try { json = stringify(args === undefined ? {} : args); }
      catch (e) { return PromiseCtor.reject(new TypeError("arguments to tools." + id + " must be JSON: " + e.message)); }
      return call(id, json);
    };
  }
  const loadedList = () => (toolIds.size === 0 ? "none" : [...toolIds].join(", "));
  const tools = new ProxyCtor(freeze(toolFunctions), {
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
  const memory = freeze({
    has: (key) => call("$memory.has", stringify({ key: String(key) })),
    add: (key) => call("$memory.add", stringify({ key: String(key) })).then(() => undefined),
  });

  // --- timers: host-backed, cleared by the host when the run ends, so none outlives it ---
  const setTimeout = (callback, ms, ...args) => {
    const ticket = ask("timer", Number(ms) || 0);
    waiting.set(ticket, () => { if (typeof callback === "function") callback(...args); });
    return ticket;
  };
  const clearTimeout = (ticket) => { if (waiting.delete(ticket)) ask("clear", ticket); };

  // --- settle: runs main and always hands the host one JSON string (through done) ---
  const finish = (reply) => {
    reply.tail = tail.join("\\n");
    reply.omittedChars = Math.max(0, totalChars - headUsed - tailLen);
    return stringify(reply);
  };
  const settle = (main) => { PromiseCtor.resolve().then(() => main(parse(argsJson))).then(
    (value) => {
      let json;
      try { json = value === undefined ? undefined : stringify(value); }
      catch (e) { return finish({ ok: false, error: { code: "SANDBOX_RESULT", message: "the returned value is not JSON: " + e.message } }); }
      return finish(json === undefined ? { ok: true } : { ok: true, valueJson: json });
    },
    (error) => finish({ ok: false, error: describe(error) }),
  ).then((json) => { runs.delete(token); ask("done", json); }); };
  return freeze({ tools, console, setTimeout, clearTimeout, memory, settle });
};
defineProperty(globalThis, "${OPEN_FUNCTION}", { value: freeze(open) });
defineProperty(globalThis, "ToolError", { value: ToolError });

// --- lockdown: freeze every intrinsic reachable from the global, and the hidden ones ---
// Assigning to an own property whose prototype holds a frozen one throws ("the override mistake"),
// which would break ordinary code like \`error.name = "X"\`; those few become accessors that define
// the property on the instance instead.
const overridable = (object, names) => {
  for (const name of names) {
    const desc = getOwnPropertyDescriptor(object, name);
    if (desc === undefined || !("value" in desc) || !desc.writable) continue;
    const value = desc.value;
    defineProperty(object, name, {
      get() { return value; },
      set(next) {
        if (this === object) throw new TypeError("Cannot assign to read only property '" + String(name) + "' of a frozen intrinsic");
        if (hasOwn.call(this, name)) this[name] = next;
        else defineProperty(this, name, { value: next, writable: true, enumerable: true, configurable: true });
      },
      enumerable: desc.enumerable,
      configurable: false,
    });
  }
};
overridable(Object.prototype, ["constructor", "toString", "valueOf", "toLocaleString", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable"]);
overridable(Function.prototype, ["constructor", "toString", "bind", "apply", "call"]);
overridable(Array.prototype, ["constructor", "toString", "push", "join", "concat"]);
overridable(Promise.prototype, ["constructor", "then", "catch", "finally"]);
overridable(Date.prototype, ["constructor", "toString", "toJSON"]);
for (const E of [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError, AggregateError, ToolError]) {
  overridable(E.prototype, ["constructor", "name", "message", "toString"]);
}
const hidden = [
  getPrototypeOf(function* () {}),
  getPrototypeOf(async function () {}),
  getPrototypeOf(async function* () {}),
  getPrototypeOf([][Symbol.iterator]()),
  getPrototypeOf(new Map()[Symbol.iterator]()),
  getPrototypeOf(new Set()[Symbol.iterator]()),
  getPrototypeOf(""[Symbol.iterator]()),
  getPrototypeOf(/a/[Symbol.matchAll]("")),
  getPrototypeOf(Int8Array),
  getOwnPropertyDescriptor(function () { "use strict"; return arguments; }(), "callee").get,
];
const seen = new SetCtor();
const todo = [globalThis, ...hidden];
while (todo.length > 0) {
  const object = todo.pop();
  if ((typeof object !== "object" && typeof object !== "function") || object === null || seen.has(object)) continue;
  seen.add(object);
  freeze(object);
  todo.push(getPrototypeOf(object));
  for (const key of ownKeys(object)) {
    const desc = getOwnPropertyDescriptor(object, key);
    if ("value" in desc) todo.push(desc.value);
    else todo.push(desc.get, desc.set);
  }
}
return deliver;
})();
`;

/**
 * The function a realm calls for each run of one script: the run's scope is bound to local names that
 * shadow any global (`tools`, `console`, `setTimeout`…), so code that outlives its run can only reach
 * its own run's token, which the host no longer answers. `script` defines `__codemem_main__(args)`.
 */
export function entrySource(script: string, mainFunction: string): string {
  return `(function () {
const __codemem_scope__ = ${OPEN_FUNCTION}(...arguments);
const { tools, console, setTimeout, clearTimeout } = __codemem_scope__, __codemem_memory__ = __codemem_scope__.memory;
${script}
__codemem_scope__.settle(${mainFunction});
})`;
}
