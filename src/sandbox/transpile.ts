import { transformSync } from "esbuild";
import { CodedError } from "../errors.ts";

/** Name of the async function the script body is wrapped in, so top-level `await` works as in probes. */
export const MAIN_FUNCTION = "__codemem_main__";
/** Its one parameter: the arguments of a skill entry (see the runner's moduleCaller). */
export const ARGS_PARAMETER = "__codemem_args__";

/**
 * Turns a TypeScript script (top-level await allowed, no imports) into the source of one async function.
 * esbuild's transform takes about a millisecond and needs no type information, which is all we need:
 * type errors are the model's problem, syntax errors are ours to report with a line number.
 */
export function transpileScript(source: string, filename = "probe.ts"): string {
  const wrapped = `async function ${MAIN_FUNCTION}(${ARGS_PARAMETER}) {\n${source}\n}`;
  try {
    const { code } = transformSync(wrapped, {
      loader: "ts",
      target: "es2022",
      sourcefile: filename,
      logLevel: "silent",
    });
    return code;
  } catch (error) {
    throw new CodedError("SANDBOX_COMPILE", describeBuildFailure(error, filename), {
      family: "user",
      retryable: false,
      cause: error,
    });
  }
}

/**
 * Turns a skill module (`export async function items(params, ctx)`, `export async function run(item,
 * params, ctx)`) into plain statements followed by esbuild's one `export { local as name, … };` clause,
 * which the runner strips: evaluating a skill's module for every item must be cheap, and CommonJS
 * output's getter-based exports cost three times the rest of a warm run.
 */
export function transpileModule(source: string, filename = "skill.ts"): string {
  let code: string;
  try {
    ({ code } = transformSync(source, {
      loader: "ts",
      format: "esm",
      target: "es2022",
      sourcefile: filename,
      logLevel: "silent",
    }));
  } catch (error) {
    throw new CodedError("SANDBOX_COMPILE", describeBuildFailure(error, filename, 0), {
      family: "user",
      retryable: false,
      cause: error,
    });
  }
  const imported = /^(?:import\b[^\n]*?["']([^"'\n]+)["']|export\s*\*[^\n]*?["']([^"'\n]+)["'])/m.exec(
    stripExportClause(code),
  );
  if (imported) {
    throw new CodedError(
      "SANDBOX_COMPILE",
      `${filename}: skills cannot import modules ("${imported[1] ?? imported[2]}"): call tools through ctx.tools.<app>__<tool>(args)`,
      { family: "user", retryable: false },
    );
  }
  return code;
}

const EXPORT_CLAUSE = /\nexport \{([^}]*)\};\s*$/;

/** A transpiled module's statements without its export clause. */
export function stripExportClause(compiled: string): string {
  return compiled.replace(EXPORT_CLAUSE, "\n");
}

/** Exported name → local binding, from the module's export clause. */
export function exportBindings(compiled: string): Map<string, string> {
  const clause = EXPORT_CLAUSE.exec(compiled)?.[1] ?? "";
  const bindings = new Map<string, string>();
  for (const part of clause.split(",")) {
    const [local, exported] = part.trim().split(/\s+as\s+/);
    if (local) bindings.set(exported ?? local, local);
  }
  return bindings;
}

/** The names a skill module exports. */
export function moduleExports(compiled: string): Set<string> {
  return new Set(exportBindings(compiled).keys());
}

interface EsbuildMessage {
  text: string;
  location?: { line: number; column: number; lineText?: string } | null;
}

function describeBuildFailure(error: unknown, filename: string, wrapperLines = 1): string {
  const errors = (error as { errors?: EsbuildMessage[] }).errors;
  const first = errors?.[0];
  if (first === undefined) return error instanceof Error ? error.message : String(error);
  const moduleSyntax =
    wrapperLines > 0 &&
    (/"import"|"export"/.test(first.text) || /^\s*(import|export)\b/.test(first.location?.lineText ?? ""));
  const text = moduleSyntax
    ? `${first.text} (modules are not available in the sandbox: call tools through tools.<app>__<tool>(args))`
    : first.text;
  if (!first.location) return text;
  // Line 1 of the wrapped source is our wrapper, so the user's line is one less.
  return `${filename}:${first.location.line - wrapperLines}:${first.location.column + 1}: ${text}`;
}
