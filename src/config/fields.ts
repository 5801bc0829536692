import type { z } from "zod";
import { globalRegistry } from "zod";
import { valueAt } from "../zod-issue.ts";
import { type Config, configSchema } from "./schema.ts";
import type { SettingMeta } from "./settings.ts";

/** One setting of the config, as the schema names it: its dotted path and what its meta says. */
export type ConfigField = SettingMeta & {
  /** The field's place in the config (and in codemem.config.json), e.g. `sandbox.memoryMb`. */
  path: string;
};

type AnySchema = z.core.$ZodType;

/** The schemas a field's own sits inside of (default, prefault, optional, a preprocess pipe), outermost first. */
function layers(schema: AnySchema): AnySchema[] {
  const out: AnySchema[] = [];
  let current: AnySchema | undefined = schema;
  while (current !== undefined) {
    out.push(current);
    const def = current._zod.def as { type: string; innerType?: AnySchema; out?: AnySchema };
    current = def.type === "pipe" ? def.out : def.innerType;
  }
  return out;
}

function walk(shape: Record<string, AnySchema>, prefix: string): ConfigField[] {
  return Object.entries(shape).flatMap(([key, schema]) => {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    const all = layers(schema);
    const meta = all.map((layer) => globalRegistry.get(layer) as SettingMeta | undefined).find((m) => m?.env);
    if (meta !== undefined) return [{ ...meta, path }];
    const object = all.find((layer) => layer._zod.def.type === "object") as z.ZodObject | undefined;
    return object === undefined ? [] : walk(object.shape, path);
  });
}

/** Every setting, in the schema's order: a field with an environment variable, or a group of them. */
export const CONFIG_FIELDS: readonly ConfigField[] = walk(configSchema.shape, "");

/** The config's value at a dotted path (`sandbox.memoryMb`). */
export const valueAtPath = (config: unknown, path: string): unknown => valueAt(config, path.split("."));

/** The values of every secret setting that is set (what no log line may show). */
export function secretSettings(config: Config): string[] {
  return CONFIG_FIELDS.filter((field) => field.secret === true)
    .map((field) => valueAtPath(config, field.path))
    .filter((value): value is string => typeof value === "string" && value !== "");
}
