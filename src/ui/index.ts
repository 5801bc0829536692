export { text } from "./message.ts";
export type { Button, ButtonValue, Todo, TodoStatus, ToolUse, UiBlock, UiMessage } from "./message.ts";
export { renderText } from "./render-text.ts";
export { threadKey, ThrottledSurface } from "./surface.ts";
export type { ChatSurface, MessageRef, ThreadRef, ThrottledSurfaceOptions } from "./surface.ts";
