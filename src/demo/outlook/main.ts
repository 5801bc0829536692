import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { DemoGate } from "../gate.ts";
import { ensureStateDir, readKnobs } from "../knobs.ts";
import { generateMailbox } from "./mailbox.ts";
import { createOutlookServer } from "./server.ts";

const knobs = readKnobs(process.env);
ensureStateDir(knobs.stateDir);
const size = Number(process.env.DEMO_MAILBOX_SIZE ?? 200);
const now = process.env.DEMO_NOW ? new Date(process.env.DEMO_NOW) : startOfTodayUtc();
if (!Number.isInteger(size) || size < 0 || Number.isNaN(now.getTime())) {
  process.stderr.write("outlook demo: DEMO_MAILBOX_SIZE must be a whole number and DEMO_NOW an ISO date\n");
  process.exit(2);
}
const mailbox = generateMailbox({ size, seed: knobs.seed, now });
const server = createOutlookServer(mailbox, new DemoGate("outlook", knobs), { drift: process.env.DEMO_DRIFT });
await server.connect(new StdioServerTransport());

/** The same for every process started on one day, so worker processes see one mailbox. */
function startOfTodayUtc(): Date {
  const today = new Date();
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
}
