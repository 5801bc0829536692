import { parseArgs } from "node:util";
import type { CliIo } from "../src/cli/io.ts";
import { Composition } from "../src/compose/composition.ts";
import { countsOf, retentionSweepers } from "../src/compose/retention.ts";
import { userError } from "../src/errors.ts";
import { sweepAll } from "../src/ops/retention.ts";
import { platformSweepers } from "./registry.ts";

export const GC_USAGE = "usage: codemem gc [--dry-run] [--json] [--now ISO-TIME]";

/**
 * `codemem gc`: applies the retention now (the serving process does it hourly), or with --dry-run lists
 * what it would let go: one line per session archived or deleted, run record or detail dropped, run
 * job, console thread and Teams reference, then the counts. --now sweeps as of another time (a check of
 * what next month's sweep will take).
 */
export async function gcCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { "dry-run": { type: "boolean" }, json: { type: "boolean" }, now: { type: "string" } },
  });
  const now = values.now === undefined ? Date.now() : Date.parse(values.now);
  if (Number.isNaN(now))
    throw userError("USAGE", `--now must be a date and time such as 2027-01-31T08:00:00Z (got ${values.now})`);
  const config = io.config();
  const core = new Composition({ config, log: io.log(config) });
  try {
    const dryRun = values["dry-run"] === true;
    const swept = await sweepAll(await retentionSweepers(core, platformSweepers), { now, dryRun, log: io.log(config) });
    for (const sweep of swept) {
      io.out(
        values.json ? JSON.stringify(sweep) : `${dryRun ? "would " : ""}${sweep.action} ${sweep.what} ${sweep.id}`,
      );
    }
    if (!values.json) {
      const counts = Object.entries(countsOf(swept)).map(([what, n]) => `${n} × ${what}`);
      io.out(
        counts.length === 0
          ? "nothing is past its retention"
          : `${dryRun ? "would let go: " : "let go: "}${counts.join(", ")}`,
      );
    }
    return 0;
  } finally {
    await core.close();
  }
}
