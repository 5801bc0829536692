import { join } from "node:path";

export const REPO = join(import.meta.dirname, "..");

/** The evaluation sets the ranker is fitted and measured on (bench/data/discovery: sources and licences). */
export const DISCOVERY_SETS = ["metatool", "seal-tools", "bfcl"].map((set) =>
  join(REPO, "bench", "data", "discovery", set),
);
