import type { ThreadRef } from "../ui/surface.ts";

/** A run job's data (the runs queue). Scheduled firings carry no runId: the listing derives one. */
export interface RunJob {
  runId?: string | undefined;
  skill: string;
  /** The version to run; a schedule's firings run the latest. */
  version?: number | undefined;
  params: Record<string, unknown>;
  /** A platform-qualified user key, or the CLI's user. */
  requester: string;
  /** Where progress and the summary go; none for runs started outside a thread. */
  thread?: ThreadRef | undefined;
}

/** An item job's data (the items queue). */
export interface ItemJob {
  runId: string;
  key: string;
  item: unknown;
  /** Times the item went back to the queue after 429s. */
  handBacks?: number | undefined;
}
