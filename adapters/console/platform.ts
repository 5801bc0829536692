/** The platform's name: in user keys and approvers (`console:<id>`), threads, queues (`chat-console`) and logs. */
export const CONSOLE_PLATFORM = "console";
