import { GraphError } from "../graph.ts";
import type { GraphMessage } from "./mailbox.ts";

type Predicate = (message: GraphMessage) => boolean;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const FIELDS: Record<string, (m: GraphMessage) => string | boolean> = {
  receivedDateTime: (m) => m.receivedDateTime,
  createdDateTime: (m) => m.createdDateTime,
  hasAttachments: (m) => m.hasAttachments,
  isRead: (m) => m.isRead,
  importance: (m) => m.importance,
  subject: (m) => m.subject,
  "from/emailAddress/address": (m) => m.from.emailAddress.address,
  "from/emailAddress/name": (m) => m.from.emailAddress.name,
};
const DATE_FIELDS = new Set(["receivedDateTime", "createdDateTime"]);

/**
 * The part of OData `$filter` Graph users reach for on messages: comparisons joined by `and`,
 * `contains(field,'text')` and `startswith(field,'text')`. Anything else is a Graph-style 400.
 */
export function parseFilter(filter: string): Predicate {
  const clauses = filter
    .split(/\s+and\s+/i)
    .map((clause) => clause.trim())
    .filter(Boolean);
  if (clauses.length === 0) throw badFilter(filter, "empty filter");
  const predicates = clauses.map(parseClause);
  return (message) => predicates.every((predicate) => predicate(message));
}

function parseClause(clause: string): Predicate {
  const fn = /^(contains|startswith)\(\s*([\w/]+)\s*,\s*'((?:[^']|'')*)'\s*\)$/i.exec(clause);
  if (fn) {
    const [, name, field, raw] = fn as unknown as [string, string, string, string];
    const get = fieldGetter(field, clause);
    const needle = raw.replaceAll("''", "'").toLowerCase();
    return name.toLowerCase() === "contains"
      ? (m) => String(get(m)).toLowerCase().includes(needle)
      : (m) => String(get(m)).toLowerCase().startsWith(needle);
  }
  const comparison = /^([\w/]+)\s+(eq|ne|gt|ge|lt|le)\s+(.+)$/i.exec(clause);
  if (!comparison) throw badFilter(clause, "expected `field op value`, e.g. receivedDateTime ge 2026-11-10T00:00:00Z");
  const [, field, rawOp, rawValue] = comparison as unknown as [string, string, string, string];
  const get = fieldGetter(field, clause);
  const op = rawOp.toLowerCase();
  const value = parseLiteral(field, rawValue.trim(), clause);
  return (message) => compare(get(message), op, value);
}

function fieldGetter(field: string, clause: string): (m: GraphMessage) => string | boolean {
  const get = FIELDS[field];
  if (!get) throw badFilter(clause, `could not find a property named '${field}' on type 'microsoft.graph.message'`);
  return get;
}

function parseLiteral(field: string, raw: string, clause: string): string | boolean {
  if (raw === "true" || raw === "false") return raw === "true";
  const quoted = /^'((?:[^']|'')*)'$/.exec(raw);
  const text = quoted ? (quoted[1] as string).replaceAll("''", "'") : raw;
  if (DATE_FIELDS.has(field)) {
    if (quoted || !ISO_DATE.test(text) || Number.isNaN(Date.parse(text))) {
      throw badFilter(
        clause,
        `The DateTimeOffset text '${raw}' should be in format 'yyyy-mm-ddThh:mm:ss('.'s+)?(zzzzzz)?' and each field value is within valid range (unquoted)`,
      );
    }
    return new Date(text).toISOString();
  }
  if (!quoted) throw badFilter(clause, `string values are quoted: ${field} eq '${raw}'`);
  return text;
}

function compare(actual: string | boolean, op: string, expected: string | boolean): boolean {
  const left =
    typeof actual === "string" && typeof expected === "string" && /^\d{4}-/.test(expected)
      ? new Date(actual).toISOString()
      : actual;
  switch (op) {
    case "eq":
      return typeof left === "string" && typeof expected === "string"
        ? left.toLowerCase() === expected.toLowerCase()
        : left === expected;
    case "ne":
      return typeof left === "string" && typeof expected === "string"
        ? left.toLowerCase() !== expected.toLowerCase()
        : left !== expected;
    case "gt":
      return left > expected;
    case "ge":
      return left >= expected;
    case "lt":
      return left < expected;
    default:
      return left <= expected;
  }
}

function badFilter(clause: string, reason: string): GraphError {
  return new GraphError(400, "BadRequest", `Invalid filter clause: ${reason} (in: ${clause})`);
}

/** Keeps the requested top-level properties (and always `id`), as Graph's `$select` does. */
export function selectFields<T extends { id: string }>(
  item: T,
  select: string | undefined,
): Partial<T> & { id: string } {
  if (select === undefined || select.trim() === "") return item;
  const fields = select
    .split(",")
    .map((field) => field.trim())
    .filter(Boolean);
  const picked: Record<string, unknown> = { id: item.id };
  for (const field of fields) {
    if (!(field in item)) {
      throw new GraphError(
        400,
        "RequestBroker--ParseUri",
        `Could not find a property named '${field}' on type 'microsoft.graph.message'.`,
      );
    }
    picked[field] = (item as Record<string, unknown>)[field];
  }
  return picked as Partial<T> & { id: string };
}
