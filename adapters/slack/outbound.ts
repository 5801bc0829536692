import { ErrorCode, type WebClient } from "@slack/web-api";
import { CodedError } from "../../src/errors.ts";
import type { DeliveryTarget, OutboundAdapter, PostedRef } from "../../src/ui/adapter.ts";
import type { UiMessage } from "../../src/ui/message.ts";
import type { User } from "../../src/ui/user.ts";
import { renderSlack, SLACK_LIMITS } from "./render.ts";

/** The part of the Web API client delivery uses. */
export type SlackChat = Pick<WebClient, "chat" | "filesUploadV2">;

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
 */
export class SlackOutbound implements OutboundAdapter {
  readonly platform = "slack";
  readonly limits = SLACK_LIMITS;

  constructor(private readonly client: SlackChat) {}

  async post(
    target: DeliveryTarget,
    message: UiMessage,
    options: { visibleTo?: User | undefined },
  ): Promise<PostedRef> {
    const payload = renderSlack(message);
    const thread = target.thread === undefined ? {} : { thread_ts: target.thread };
    if (options.visibleTo !== undefined) {
      const result = await call(() =>
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
    const result = await call(() => this.client.chat.postMessage({ channel: target.channel, ...thread, ...payload }));
    const ts = String(result.ts ?? "");
    return { id: ts, thread: target.thread ?? ts };
  }

  async update(target: DeliveryTarget, id: string, message: UiMessage): Promise<void> {
    await call(() => this.client.chat.update({ channel: target.channel, ts: id, ...renderSlack(message) }));
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
