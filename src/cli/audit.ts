import { parseArgs } from "node:util";
import { userError } from "../errors.ts";
import { Composition } from "../compose/composition.ts";
import type { CliIo } from "./io.ts";

export const AUDIT_USAGE = "usage: codemem audit [--skill NAME] [--count 20] [--json]";

/**
 * `codemem audit`: the latest audit entries, newest first: who approved, rejected, ran, scheduled,
 * unscheduled and rolled back what, and whose clicks were refused. --json prints one JSON object a line
 * (an export for other tools).
 */
export async function auditCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { skill: { type: "string" }, count: { type: "string" }, json: { type: "boolean" } },
  });
  const count = values.count === undefined ? 20 : Number(values.count);
  if (!Number.isInteger(count) || count < 1 || count > 100_000)
    throw userError("USAGE", `--count must be a whole number from 1 to 100000 (got ${values.count})`);
  const config = io.config();
  const core = new Composition({ config, log: io.log(config) });
  try {
    const records = await (await core.audit()).latest({ skill: values.skill, count });
    if (values.json) {
      for (const record of records) io.out(JSON.stringify(record));
      return 0;
    }
    if (records.length === 0) io.out("the audit log is empty");
    for (const record of records) {
      const skill =
        record.skill === undefined
          ? ""
          : ` ${record.skill}${record.version === undefined ? "" : ` v${record.version}`}`;
      io.out(
        `${record.at}  ${record.who}  ${record.action}${skill}${record.detail === undefined ? "" : `  (${record.detail})`}`,
      );
    }
    return 0;
  } finally {
    await core.close();
  }
}
