import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { Queue } from "bullmq";
import { sessionIdFor } from "../src/agent/session.ts";
import type { CliIo } from "../src/cli/io.ts";
import { Composition } from "../src/compose/composition.ts";
import type { AgentJob } from "../src/core/agent-worker.ts";
import { userError } from "../src/errors.ts";
import { AGENT_TURN_JOB, QUEUES } from "../src/queues.ts";
import { validateParams } from "../src/runtime/params.ts";
import { readSkillFolder, writeSkillFolder } from "../src/skills/folder.ts";
import type { ThreadRef } from "../src/ui/surface.ts";
import { parseUserKey, type User } from "../src/ui/user.ts";
import { consoleThread } from "./console/store.ts";

export const SKILLS_USAGE = [
  "usage: codemem skills export <name> --out DIR [--version N]",
  "       codemem skills import DIR [--as platform:id] [--channel platform:channel] [--params JSON] [--wait S]",
].join("\n");

/**
 * `codemem skills export|import`: a saved skill as an Agent Skills folder (src/skills/folder.ts), and a
 * folder back in as a proposal: the same checks, dry run and approval card as a model's, in a new
 * console thread (or a new thread of `--channel`), waiting for the person `--as` names or an approver.
 */
export async function skillsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: "string" },
      version: { type: "string" },
      as: { type: "string" },
      channel: { type: "string" },
      params: { type: "string" },
      wait: { type: "string" },
      mcp: { type: "string" },
    },
  });
  const [action, target] = positionals;
  if ((action !== "export" && action !== "import") || target === undefined || positionals.length !== 2)
    throw userError("USAGE", SKILLS_USAGE);
  const config = io.config();
  const core = new Composition({ config, log: io.log(config), mcpFile: values.mcp });
  try {
    if (action === "export") {
      if (values.out === undefined) throw userError("USAGE", SKILLS_USAGE);
      const skills = await core.skills();
      const version = values.version === undefined ? undefined : Number(values.version);
      const record = version === undefined ? await skills.require(target) : await skills.version(target, version);
      if (record === undefined) throw userError("SKILL_VERSION_UNKNOWN", `${target} has no version ${values.version}`);
      const history = (await skills.history(target)).map(({ version, author, approver, created }) => ({
        version,
        author,
        approver,
        created,
      }));
      const dir = writeSkillFolder(resolve(values.out), record, history);
      io.out(`exported ${record.name} v${record.version} to ${dir}`);
      return 0;
    }
    const folder = readSkillFolder(resolve(target));
    const user = personOf(values.as);
    const sampleParams = validateParams(folder.draft.name, folder.draft.params, parseParams(values.params));
    const thread = threadOf(values.channel);
    const { connection, prefix } = await core.redis();
    const sessions = await core.sessions();
    const queue = new Queue<AgentJob>(QUEUES.agent, { connection, prefix });
    core.adopt("agent queue", () => queue.close());
    const sessionId = sessionIdFor(thread);
    const { author: _author, approver: _approver, ...skill } = folder.draft;
    await queue.add(
      "turn",
      { sessionId, thread, input: { kind: "import", skill, sampleParams, source: target, user } },
      { ...AGENT_TURN_JOB, jobId: `import-${randomUUID()}` },
    );
    const where =
      thread.platform === "console" ? `console thread ${thread.thread}` : `a new thread of ${thread.channel}`;
    io.out(`importing ${skill.name} into ${where} as ${user.platform}:${user.id}`);
    // The agent worker of a running codemem takes it; say how it went when it has.
    const deadline = Date.now() + Number(values.wait ?? 60) * 1000;
    while (Date.now() < deadline) {
      const session = await sessions.load(sessionId);
      if (session?.pending?.kind === "proposal") {
        io.out(`proposed: the approval card for ${session.pending.proposal.name} waits in ${where}`);
        return 0;
      }
      const last = session?.messages.at(-1);
      if (session?.status === "idle" && last?.role === "tool") {
        io.err(`refused: ${String(last.content).replace(/^error: /, "")}`);
        return 1;
      }
      await new Promise((done) => setTimeout(done, 250));
    }
    io.err(`no answer yet: is codemem running (npm start) on this Redis? The import stays queued.`);
    return 1;
  } finally {
    await core.close();
  }
}

/** `--as`: whose proposal it is (they or an approver approve it); default the console user of this account. */
function personOf(key: string | undefined): User {
  if (key === undefined) return { platform: "console", id: accountName(), name: accountName() };
  const user = parseUserKey(key);
  if (user === undefined)
    throw userError("USAGE", `--as takes a platform-qualified id such as slack:U0123ABCD (got ${key})`);
  return user;
}

/** `--channel platform:channel`: a new thread there (opened by the first post); default a new console thread. */
function threadOf(channel: string | undefined): ThreadRef {
  if (channel === undefined) return consoleThread(randomUUID());
  const at = channel.indexOf(":");
  if (at < 1 || at === channel.length - 1)
    throw userError("USAGE", `--channel takes platform:channel, e.g. slack:C0123ABCD (got ${channel})`);
  return { platform: channel.slice(0, at), channel: channel.slice(at + 1), opener: randomUUID() };
}

function parseParams(raw: string | undefined): Record<string, unknown> {
  if (raw === undefined) return {};
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch (error) {
    throw userError(
      "COMMAND_BAD_JSON",
      `--params is not JSON (${(error as Error).message}); write it like {"days": 7}`,
    );
  }
}

function accountName(): string {
  try {
    return userInfo().username.replace(/[^\w.-]/g, "") || "cli";
  } catch {
    return "cli";
  }
}
