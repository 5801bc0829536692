import type { ModelScript, ScriptStep } from "../model/local-openai-server.ts";
import { ARCHIVE_SKILL_CODE, ARCHIVE_SKILL_PARAMS } from "./archive-skill.ts";

/** The task the replay answers, as the paper states it. */
export const REPLAY_TASK =
  "archive PDF/XLSX attachments of the last 15 days of Outlook mail into OneDrive folders per sender company, skip internal senders (@agentr.dev)";

const todos = (done: number, active?: number) =>
  [
    "Discover the Outlook and OneDrive tools",
    "Probe outlook__list_messages on a 5-message sample (15-day filter)",
    "Probe attachments and the OneDrive root",
    "Decide on a dedup memory",
    "Propose the archive skill with a dry run",
  ].map((content, index) => ({
    content,
    status: index < done ? "completed" : index === (active ?? done) ? "in_progress" : "pending",
  }));

const PROBE_MESSAGES = `// Sample (limit 5) and print the raw structure before writing any logic.
const since = new Date(Date.now() - 15 * 86_400_000).toISOString().replace(/\\.\\d{3}Z$/, "Z");
const page = await tools.outlook__list_messages({
  $top: 5,
  $filter: \`receivedDateTime ge \${since} and hasAttachments eq true\`,
  $select: "id,from,subject,receivedDateTime,hasAttachments",
});
console.log(page);`;

const PROBE_ATTACHMENTS = `// How many messages are in scope, and what does an attachment look like?
const since = new Date(Date.now() - 15 * 86_400_000).toISOString().replace(/\\.\\d{3}Z$/, "Z");
const all = await tools.outlook__list_messages({ $top: 100, $filter: \`receivedDateTime ge \${since} and hasAttachments eq true\`, $select: "id,from" });
console.log(\`Fetched \${all.value.length} emails with attachments in 15 days\`);
const external = all.value.find((m: any) => !m.from.emailAddress.address.endsWith("@agentr.dev"));
const attachments = await tools.outlook__list_attachments({ message_id: external.id });
console.log(attachments);
const file = await tools.outlook__get_attachment({ message_id: external.id, attachment_id: attachments.value[0].id });
console.log({ ...file, contentBytes: \`\${file.contentBytes.slice(0, 16)}… (\${file.contentBytes.length} base64 characters)\` });
console.log(await tools.onedrive__list_children({ path: "/" }));`;

const proposal = (useMemory: boolean): ScriptStep => ({
  content: `The probes locked the shapes: messages come in a Graph envelope (value + @odata.nextLink), attachments carry name/contentType/isInline. Here is the skill${useMemory ? ", with a dedup memory" : ""}; folders are created idempotently (409 nameAlreadyExists is fine).`,
  toolCalls: [
    { name: "write_todos", arguments: { todos: todos(4) } },
    {
      name: "propose_skill",
      arguments: {
        name: "archive-attachments",
        description:
          "Archive PDF/XLSX attachments of recent Outlook mail into OneDrive folders per sender company, skipping internal senders.",
        params: ARCHIVE_SKILL_PARAMS,
        sample_params: { days: 15, internalDomain: "agentr.dev", root: "Archive", useMemory },
        code: ARCHIVE_SKILL_CODE,
        memory: useMemory,
      },
    },
  ],
});

/** The paper's trace, step by step: plan, search, refine, load, probe, ask, propose. */
export function archiveReplayScript(): ModelScript {
  return {
    steps: [
      {
        content: "I'll keep a plan and start by finding the tools.",
        toolCalls: [
          { name: "write_todos", arguments: { todos: todos(0) } },
          {
            name: "search_functions",
            arguments: {
              requests: [
                { query: "fetch emails download attachment", app_id: "outlook" },
                { query: "create folder upload file list items", app_id: "onedrive" },
              ],
            },
          },
        ],
      },
      {
        content:
          "The Outlook search found attachment tools but nothing that lists mail. I'm broadening the search terms to 'list messages' and 'get emails'.",
        toolCalls: [
          {
            name: "search_functions",
            arguments: { requests: [{ query: "list messages get emails", app_id: "outlook" }] },
          },
        ],
      },
      {
        toolCalls: [
          {
            name: "load_functions",
            arguments: {
              ids: [
                "outlook__list_messages",
                "outlook__list_attachments",
                "outlook__get_attachment",
                "onedrive__list_children",
                "onedrive__create_folder",
                "onedrive__upload_file",
              ],
            },
          },
          { name: "write_todos", arguments: { todos: todos(1) } },
        ],
      },
      {
        content: "Probing list_messages with a 5-message sample before writing any logic.",
        toolCalls: [{ name: "execute_code", arguments: { code: PROBE_MESSAGES } }],
      },
      {
        content:
          'The result is wrapped in a Graph envelope ({"@odata.context", value: [...]}), and the unquoted ISO 8601 date filter works. Now the attachments and the OneDrive root.',
        toolCalls: [
          { name: "write_todos", arguments: { todos: todos(2) } },
          { name: "execute_code", arguments: { code: PROBE_ATTACHMENTS } },
        ],
      },
      {
        toolCalls: [
          { name: "write_todos", arguments: { todos: todos(3) } },
          {
            name: "ask_user",
            arguments: {
              question:
                "This touches more than 20 emails. Would you like me to add a memory that tracks processed emails? This avoids duplicates if you run it multiple times.",
              options: ["Yes, add a dedup memory", "No memory needed"],
              purpose: "dedup_memory",
            },
          },
        ],
      },
      { ...proposal(true), alternatives: [{ whenLastToolResultIncludes: "No memory needed", step: proposal(false) }] },
      { ...proposal(true), alternatives: [{ whenLastToolResultIncludes: "No memory needed", step: proposal(false) }] },
    ],
  };
}
