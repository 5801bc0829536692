/** The platform's name: in user keys and approvers (`teams:<id>`), threads, queues (`chat-teams`) and logs. */
export const TEAMS_PLATFORM = "teams";
