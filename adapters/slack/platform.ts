/** The platform's name: in user keys and approvers (`slack:<id>`), threads, queues (`chat-slack`) and logs. */
export const SLACK_PLATFORM = "slack";
