import { Ajv } from "ajv";
import { userError } from "../errors.ts";
import { valueAt } from "../zod-issue.ts";
import type { JsonSchema } from "../json-schema.ts";

const ajv = new Ajv({ useDefaults: true, coerceTypes: false, allErrors: false, strict: false });

/**
 * Checks run parameters against the skill's JSON Schema, filling defaults. A mismatch is one user
 * error naming the field, the value and what the schema wants.
 */
export function validateParams(skill: string, schema: JsonSchema, params: unknown): Record<string, unknown> {
  const copy = structuredClone(params ?? {}) as Record<string, unknown>;
  if (typeof copy !== "object" || copy === null || Array.isArray(copy)) {
    throw userError("PARAMS_INVALID", `${skill}: parameters are a JSON object, e.g. {"days": 15}`);
  }
  const validate = ajv.compile(schema);
  if (!validate(copy)) {
    const error = validate.errors?.[0];
    const field = error?.instancePath
      ? error.instancePath.slice(1).replaceAll("/", ".")
      : ((error?.params as { missingProperty?: string })?.missingProperty ?? "(params)");
    const value = error?.instancePath
      ? JSON.stringify(valueAt(copy, error.instancePath.split("/").slice(1)))
      : "missing";
    const known = Object.keys(schema.properties ?? {}).join(", ");
    throw userError(
      "PARAMS_INVALID",
      `${skill}: ${field} = ${value}: ${error?.message ?? "invalid"}${known ? ` (parameters: ${known})` : ""}`,
    );
  }
  return copy;
}
