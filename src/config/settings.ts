import { z } from "zod";

/**
 * What the README's configuration table shows of a field, and the environment variable that sets it,
 * named here beside the field (src/config/fields.ts walks the schema for both).
 */
export type SettingMeta = {
  env: string;
  doc: string;
  /** Shown instead of the default's value (a default worked out at run time). */
  defaultText?: string | undefined;
  /** Never shown, in errors or logs. */
  secret?: boolean | undefined;
};

export const setting = (env: string, doc: string, more: Omit<SettingMeta, "env" | "doc"> = {}): SettingMeta => ({
  env,
  doc,
  ...more,
});

export const positiveInt = (min: number, max: number, what: string) =>
  z.coerce
    .number({ error: `expected a number of ${what}` })
    .int({ error: `expected a whole number of ${what}` })
    .min(min, { error: `expected at least ${min} ${what}` })
    .max(max, { error: `expected at most ${max} ${what}` });

const TRUE_WORDS = /^(1|true|yes|on)$/i;
const FALSE_WORDS = /^(0|false|no|off)$/i;

/** The one reading of true and false for every setting: 1/0, true/false, yes/no, on/off; anything else is refused. */
export const flag = () =>
  z.preprocess(
    (value) =>
      typeof value !== "string"
        ? value
        : TRUE_WORDS.test(value.trim())
          ? true
          : FALSE_WORDS.test(value.trim())
            ? false
            : value,
    z.boolean({ error: "expected true or false (1/0, yes/no, on/off)" }),
  );

/** "a, b,,c" → ["a", "b", "c"]; a list from a file stays a list. */
export const commaList = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (value) =>
      typeof value === "string"
        ? value
            .split(",")
            .map((part) => part.trim())
            .filter(Boolean)
        : value,
    z.array(item),
  );
