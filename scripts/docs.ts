// `npm run docs`: regenerates what README.md shows of the code (the configuration table, from the
// config schema). test/config/reference.test.ts fails when the README and the schema disagree.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withConfigTable } from "../src/config/reference.ts";

const path = join(import.meta.dirname, "..", "README.md");
const before = readFileSync(path, "utf8");
const after = withConfigTable(before);
if (after === before) process.stdout.write("README.md is up to date\n");
else {
  writeFileSync(path, after);
  process.stdout.write("README.md: configuration table regenerated\n");
}
