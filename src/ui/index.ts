export type {
  ChatAdapter,
  DeliveryTarget,
  OutboundAdapter,
  PlatformLimits,
  PostedRef,
  RunningInbound,
} from "./adapter.ts";
export { fitMessage } from "./fit.ts";
export type { FittedMessage, Overflow } from "./fit.ts";
export { answeredMessage, code, labelledFor, rich, text } from "./message.ts";
export type { Answer, Button, ButtonValue, Span, Todo, TodoStatus, ToolUse, UiBlock, UiMessage } from "./message.ts";
export { answerText, renderText, spansText } from "./render-text.ts";
export { threadKey } from "./surface.ts";
export type { ChatSurface, MessageRef, PostOptions, ThreadRef } from "./surface.ts";
export { displayName, parseUserKey, sameUser, userKey } from "./user.ts";
export type { User } from "./user.ts";
