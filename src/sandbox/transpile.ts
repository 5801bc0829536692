import { transformSync } from "esbuild";
import { CodedError } from "../errors.ts";

/** Name of the async function the script body is wrapped in, so top-level `await` works as in probes. */
export const MAIN_FUNCTION = "__codemem_main__";

/**
 * Turns a TypeScript script (top-level await allowed, no imports) into the source of one async function.
 * esbuild's transform takes about a millisecond and needs no type information, which is all we need:
 * type errors are the model's problem, syntax errors are ours to report with a line number.
 */
export function transpileScript(source: string, filename = "probe.ts"): string {
  const wrapped = `async function ${MAIN_FUNCTION}() {\n${source}\n}`;
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
 * params, ctx)`) into CommonJS statements that fill `module.exports`, to be wrapped by the runner.
 */
export function transpileModule(source: string, filename = "skill.ts"): string {
  try {
    const { code } = transformSync(source, { loader: "ts", format: "cjs", target: "es2022", sourcefile: filename, logLevel: "silent" });
    return code;
  } catch (error) {
    throw new CodedError("SANDBOX_COMPILE", describeBuildFailure(error, filename, 0), { family: "user", retryable: false, cause: error });
  }
}

/** The names a skill module exports (from esbuild's `__export(…, { name: () => name })` table). */
export function moduleExports(compiled: string): Set<string> {
  const table = /__export\(\w+, \{([^}]*)\}\);/.exec(compiled)?.[1] ?? "";
  return new Set([...table.matchAll(/(\w+): \(\) =>/g)].map((match) => match[1] as string));
}

interface EsbuildMessage {
  text: string;
  location?: { line: number; column: number; lineText?: string } | null;
}

function describeBuildFailure(error: unknown, filename: string, wrapperLines = 1): string {
  const errors = (error as { errors?: EsbuildMessage[] }).errors;
  const first = errors?.[0];
  if (first === undefined) return error instanceof Error ? error.message : String(error);
  const moduleSyntax = wrapperLines > 0 && (/"import"|"export"/.test(first.text) || /^\s*(import|export)\b/.test(first.location?.lineText ?? ""));
  const text = moduleSyntax
    ? `${first.text} (modules are not available in the sandbox: call tools through tools.<app>__<tool>(args))`
    : first.text;
  if (!first.location) return text;
  // Line 1 of the wrapped source is our wrapper, so the user's line is one less.
  return `${filename}:${first.location.line - wrapperLines}:${first.location.column + 1}: ${text}`;
}
