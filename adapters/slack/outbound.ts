import { ErrorCode, type WebClient } from "@slack/web-api";
import { CodedError } from "../../src/errors.ts";
import type { DeliveryTarget, OutboundAdapter, PostedRef } from "../../src/ui/adapter.ts";
import type { UiMessage } from "../../src/ui/message.ts";
import type { User } from "../../src/ui/user.ts";
import type { Logger } from "../../src/ops/logger.ts";
import { renderSlack, SLACK_LIMITS, type SlackPayload } from "./render.ts";
import { SLACK_PLATFORM } from "./platform.ts";

/** The part of the Web API client delivery uses. */
export type SlackChat = Pick<WebClient, "chat" | "filesUploadV2" | "assistant">;

/** A task of a streamed plan, as chat.appendStream takes it. */
type TaskUpdateChunk = {
  type: "task_update";
  id: string;
  title: string;
  status: "pending" | "in_progress" | "complete" | "error";
};

/** Slack errors no retry can fix: the channel, the message or the payload itself is wrong. */
const PERMANENT = new Set([
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "message_not_found",
  "cant_update_message",
  "invalid_blocks",
  "invalid_blocks_format",
  "msg_too_long",
  "no_text",
  "user_not_in_channel",
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "missing_scope",
]);

/**
 * Slack's outbound half: Block Kit through chat.postMessage, chat.postEphemeral (a notice for one
 * person) and chat.update. The client is made with rejectRateLimitedCalls and no retries of its own:
 * the outbox deliverer waits out a 429's retry-after and retries, so nothing waits twice.
 *
 * The plan takes the richest form Slack answers for, learned once per process: streamed task updates
 * in a direct message (chat.startStream, where the app has Slack's agent features), else the native
 * plan block, else the Block Kit checklist. Slack's refusal is what moves it down, never a guess.
 */
export class SlackOutbound implements OutboundAdapter {
  readonly platform = SLACK_PLATFORM;
  readonly limits = SLACK_LIMITS;
  /** Slack took (or has not yet refused) streams, plan blocks and status lines here. */
  private readonly takes = { streams: true, planBlocks: true, status: true };

  constructor(
    private readonly client: SlackChat,
    /** Slack's agent features may be tried (status line, streamed plan); false never tries them. */
    agentFeatures = true,
    private readonly log?: Pick<Logger, "info"> | undefined,
  ) {
    if (!agentFeatures) this.takes.streams = this.takes.status = false;
  }

  async post(
    target: DeliveryTarget,
    message: UiMessage,
    options: { visibleTo?: User | undefined },
  ): Promise<PostedRef> {
    const plan = this.streamedPlan(target, message, options.visibleTo);
    if (plan !== undefined && target.thread !== undefined) {
      const thread = target.thread;
      const started = await this.tried("streams", () =>
        call(() =>
          this.client.chat.startStream({
            channel: target.channel,
            thread_ts: thread,
            task_display_mode: "plan",
            chunks: [{ type: "plan_update", title: "Plan" }, ...plan],
          }),
        ),
      );
      if (started !== undefined) return { id: String(started.ts ?? ""), thread };
    }
    const thread = target.thread === undefined ? {} : { thread_ts: target.thread };
    if (options.visibleTo !== undefined) {
      const result = await this.withPlan(message, (payload) =>
        this.client.chat.postEphemeral({
          channel: target.channel,
          user: options.visibleTo?.id ?? "",
          ...thread,
          ...payload,
        }),
      );
      const ts = String(result.message_ts ?? "");
      return { id: ts, thread: target.thread ?? ts };
    }
    const result = await this.withPlan(message, (payload) =>
      this.client.chat.postMessage({ channel: target.channel, ...thread, ...payload }),
    );
    const ts = String(result.ts ?? "");
    return { id: ts, thread: target.thread ?? ts };
  }

  async update(target: DeliveryTarget, id: string, message: UiMessage): Promise<void> {
    const plan = this.streamedPlan(target, message, undefined);
    if (plan !== undefined) {
      try {
        await call(() => this.client.chat.appendStream({ channel: target.channel, ts: id, chunks: plan }));
        if (plan.every((task) => task.status === "complete")) {
          await call(() => this.client.chat.stopStream({ channel: target.channel, ts: id }));
        }
        return;
      } catch {
        // Not a stream (posted before streams were refused), or one Slack already closed: a plain update.
      }
    }
    await this.withPlan(message, (payload) => this.client.chat.update({ channel: target.channel, ts: id, ...payload }));
  }

  /** Slack's status line for a thread; where Slack refuses it (no agent features), never asked again. */
  async status(target: DeliveryTarget, text: string): Promise<void> {
    const thread = target.thread;
    if (!this.takes.status || thread === undefined || !target.channel.startsWith("D")) return;
    await this.tried("status", () =>
      call(() =>
        this.client.assistant.threads.setStatus({ channel_id: target.channel, thread_ts: thread, status: text }),
      ),
    );
  }

  /**
   * Sends the message with the plan block; when Slack answers invalid_blocks for a message that has a
   * plan, this workspace does not take plan blocks: sent again as the checklist, and so from then on.
   */
  private async withPlan<T>(message: UiMessage, send: (payload: SlackPayload) => Promise<T>): Promise<T> {
    const hasPlan = message.blocks.some((block) => block.type === "todos");
    const planBlocks = this.takes.planBlocks;
    try {
      return await call(() => send(renderSlack(message, { planBlocks })));
    } catch (error) {
      if (!hasPlan || !planBlocks || !/invalid_blocks/.test((error as Error).message)) throw error;
      this.takes.planBlocks = false;
      this.log?.info(
        { platform: SLACK_PLATFORM },
        "Slack refused the plan block here: the plan is a checklist from now on",
      );
      return call(() => send(renderSlack(message, { planBlocks: false })));
    }
  }

  /**
   * Runs an agent-feature call; when Slack refuses it for good (not a 429, not an outage), the feature
   * is off for this process and undefined comes back, so the caller falls back.
   */
  private async tried<T>(feature: "streams" | "status", request: () => Promise<T>): Promise<T | undefined> {
    try {
      return await request();
    } catch (error) {
      const coded = error as CodedError;
      // Slack answered, and said no (missing scope, no agent features); a 429 or an outage is retried.
      if (coded.code !== "CHAT_DELIVERY_FAILED" || !coded.message.startsWith("Slack refused it")) throw error;
      this.takes[feature] = false;
      this.log?.info(
        { platform: SLACK_PLATFORM, feature, err: coded.message },
        "Slack refused an agent feature here; codemem goes without it",
      );
      return undefined;
    }
  }

  /**
   * The plan as streamed task updates, when streams are taken and this is a plan in a direct-message
   * thread (a stream in a channel needs a recipient the delivery does not know); else undefined.
   */
  private streamedPlan(
    target: DeliveryTarget,
    message: UiMessage,
    visibleTo: User | undefined,
  ): TaskUpdateChunk[] | undefined {
    const only = message.blocks.length === 1 ? message.blocks[0] : undefined;
    if (!this.takes.streams || visibleTo !== undefined || only?.type !== "todos" || !target.channel.startsWith("D")) {
      return undefined;
    }
    return only.items.map((todo, index) => ({
      type: "task_update" as const,
      id: `task-${index + 1}`,
      title: todo.content.slice(0, 256),
      status: todo.status === "completed" ? ("complete" as const) : todo.status,
    }));
  }

  /** A cut text as a file in the thread (files:write), readable and searchable in Slack. */
  async attach(target: DeliveryTarget, file: { title: string; text: string }): Promise<void> {
    const filename = `${file.title.replace(/[^\w.-]+/g, "-").slice(0, 60) || "text"}.txt`;
    const thread = target.thread === undefined ? {} : { thread_ts: target.thread };
    await call(() =>
      this.client.filesUploadV2({
        channel_id: target.channel,
        ...thread,
        content: file.text,
        filename,
        title: file.title,
      }),
    );
  }
}

/** Slack's errors as ours: 429 → CHAT_RATE_LIMITED with its retry-after; a bad request is not retried. */
async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const slack = error as {
      code?: string;
      retryAfter?: number;
      data?: { error?: string };
      statusCode?: number;
      message?: string;
    };
    if (slack.code === ErrorCode.RateLimitedError) {
      throw new CodedError("CHAT_RATE_LIMITED", "Slack answered 429", { retryAfterMs: (slack.retryAfter ?? 1) * 1000 });
    }
    if (slack.code === ErrorCode.PlatformError) {
      const reason = slack.data?.error ?? "error";
      throw new CodedError("CHAT_DELIVERY_FAILED", `Slack refused it: ${reason}`, {
        retryable: !PERMANENT.has(reason),
        cause: error,
      });
    }
    if (slack.code === ErrorCode.HTTPError && slack.statusCode !== undefined && slack.statusCode < 500) {
      throw new CodedError("CHAT_DELIVERY_FAILED", `Slack answered HTTP ${slack.statusCode}`, {
        retryable: false,
        cause: error,
      });
    }
    throw new CodedError("CHAT_DELIVERY_FAILED", `Slack could not be reached: ${slack.message ?? String(error)}`, {
      cause: error,
    });
  }
}
