import { join } from "node:path";

export const REPO = join(import.meta.dirname, "..");

/** The evaluation sets the ranker is fitted and measured on: the shared development set and ours. */
export const DISCOVERY_SETS = [
  `metatool=${join(REPO, "..", "shared", "eval", "discovery")}`,
  join(REPO, "bench", "data", "discovery", "seal-tools"),
  join(REPO, "bench", "data", "discovery", "bfcl"),
];
