import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from "openai/resources/chat/completions";
import type { ToolCatalog } from "../discovery/catalog.ts";
import type { Discovery } from "../discovery/meta-tools.ts";
import type { ToolCaller } from "../mcp/types.ts";
import type { SandboxExecutor } from "../sandbox/types.ts";
import type { AuditLog } from "../ops/audit.ts";
import type { Metrics } from "../ops/metrics.ts";
import type { SkillStore } from "../skills/store.ts";
import type { UiBlock } from "../ui/message.ts";
import type { ChatSurface, ThreadRef } from "../ui/surface.ts";
import type { User } from "../ui/user.ts";

/** The part of the `openai` client the agent uses. */
export interface ChatModel {
  chat: { completions: { create(params: ChatCompletionCreateParamsNonStreaming): Promise<ChatCompletion> } };
}

export interface AgentLimits {
  /** Model calls in one turn before the agent stops and says so. Default: 24. */
  stepsPerTurn: number;
  /** Characters of conversation kept before old tool outputs are compacted. Default: 60,000. */
  contextChars: number;
  /** Wall limit of one probe. Default: 20,000 ms. */
  probeTimeoutMs: number;
  /** Items beyond which a skill must ask about a dedup memory. Default: 20. */
  memoryQuestionAbove: number;
  /** Items the dry run runs `run()` on. Default: 3. */
  dryRunItems: number;
}

export const DEFAULT_AGENT_LIMITS: AgentLimits = {
  stepsPerTurn: 24,
  contextChars: 60_000,
  probeTimeoutMs: 20_000,
  memoryQuestionAbove: 20,
  dryRunItems: 3,
};

/** Everything a turn needs, passed in (tests give real ones pointed at local servers). */
export interface AgentDeps {
  model: ChatModel;
  modelName: string;
  catalog: ToolCatalog;
  discovery: Discovery;
  tools: ToolCaller;
  sandbox: SandboxExecutor;
  surface: ChatSurface;
  skills: SkillStore;
  limits: AgentLimits;
  /** Who may answer a session's questions and proposals (src/core/policy.ts). */
  policy: AnswerPolicy;
  /** Runs and schedules approved skills; without it Approve only saves the skill. */
  launcher?: SkillLauncher | undefined;
  /** Where approvals and rejections are recorded. Default: nowhere. */
  audit?: AuditLog | undefined;
  /** Counts turns, model calls and tokens. Default: nothing counted. */
  metrics?: Metrics | undefined;
  /** The model tokens a person's sessions may use a day, and everyone's (src/limits). Default: no limit. */
  quotas?: ModelQuota | undefined;
}

/** The part of the quotas a turn needs: may the requester's session call the model, and what it used. */
export interface ModelQuota {
  mayCallModel(who: string): Promise<{ line: string } | undefined>;
  chargeModel(who: string, tokens: number): Promise<void>;
}

/** The people of a session: who asked, and whom they invited (or handed it to). */
export interface SessionPeople {
  requester: User;
  guests?: readonly User[] | undefined;
}

type Decision = { allowed: true } | { allowed: false; refusal: UiBlock };

/** The part of the policy a turn needs (src/core/policy.ts). */
export interface AnswerPolicy {
  /** May this person answer the session's questions and proposals? */
  mayAnswer(people: SessionPeople, user: User): Promise<Decision>;
  /** May this person's words reach the session's model? */
  mayTalk(people: SessionPeople, user: User): Promise<Decision>;
  /** Is this person an owner of the skill (authored or approved a version of it) or an approver? */
  isOwner(skill: { name: string; owners: readonly string[] }, user: User): Promise<boolean>;
  /** May this person's proposal become the skill's next version? (Owners; anyone when unowned, no approvers.) */
  mayVersion(skill: { name: string; owners: readonly string[] }, user: User): Promise<boolean>;
  /** The approvers configured by name: questions and proposals name them among who may answer. */
  readonly namedApprovers?: readonly User[] | undefined;
}

/** Starts runs and schedules of saved skills (the runtime), for Approve and the schedule buttons. */
export interface SkillLauncher {
  run(request: {
    skill: string;
    version: number;
    params: Record<string, unknown>;
    requester: string;
    thread: ThreadRef;
  }): Promise<{ runId: string }>;
  schedule(request: {
    skill: string;
    version?: number | undefined;
    cron: string;
    tz: string;
    params: Record<string, unknown>;
    requester: string;
    thread: ThreadRef;
  }): Promise<{ id: string; next: string | null }>;
  /** Schedules of the skill that run a version other than `version`. */
  schedulesOnOtherVersions(skill: string, version: number): Promise<number>;
  /** Moves them to `version`; `by` is recorded. Returns how many moved. */
  moveSchedules(skill: string, version: number, by: string): Promise<number>;
}
