import { t, type ToolTemplate } from "./spec.ts";

const page = (what: string): [string, "integer", string] => [
  "limit",
  "integer",
  `Maximum number of ${what} to return (1-100, default 25).`,
];
const cursor: [string, "string", string] = [
  "page_token",
  "string",
  "Token from a previous response to fetch the next page.",
];

export interface MailVocabulary {
  App: string;
  folder: string;
  folders: string;
  search: string;
}
export function mailTools(v: MailVocabulary): ToolTemplate[] {
  return [
    t(
      "list_messages",
      "read",
      `List email messages in the ${v.App} mailbox, newest first. ${v.search}`,
      ["query", "string", `Search query (${v.App} search syntax).`],
      [v.folder, "string", `Only messages in this ${v.folder}.`],
      page("messages"),
      cursor,
    ),
    t(
      "get_message",
      "read",
      `Get one ${v.App} email by id, with headers, body and attachment metadata.`,
      ["message_id", "string", "Message id.", true],
      ["format", "string", "full | metadata | minimal."],
    ),
    t(
      "search_messages",
      "read",
      `Full-text search over ${v.App} emails by sender, subject, body and date range.`,
      ["query", "string", "Words to search for.", true],
      ["after", "string", "Only messages after this ISO date."],
      ["before", "string", "Only messages before this ISO date."],
      page("messages"),
    ),
    t(
      "send_message",
      "write",
      `Send a new email from the ${v.App} account.`,
      ["to", "string[]", "Recipient addresses.", true],
      ["subject", "string", "Subject line.", true],
      ["body", "string", "Plain text or HTML body.", true],
      ["cc", "string[]", "Cc addresses."],
    ),
    t(
      "reply_to_message",
      "write",
      `Reply to a ${v.App} email, keeping the thread.`,
      ["message_id", "string", "Message to reply to.", true],
      ["body", "string", "Reply body.", true],
      ["reply_all", "boolean", "Reply to all recipients."],
    ),
    t(
      "forward_message",
      "write",
      `Forward a ${v.App} email with its attachments to other recipients.`,
      ["message_id", "string", "Message id.", true],
      ["to", "string[]", "Recipients.", true],
      ["comment", "string", "Text above the forwarded message."],
    ),
    t(
      "create_draft",
      "write",
      `Create a draft email in ${v.App} without sending it.`,
      ["to", "string[]", "Recipients."],
      ["subject", "string", "Subject."],
      ["body", "string", "Body."],
    ),
    t("list_attachments", "read", `List the attachments of a ${v.App} email: file name, MIME type and size.`, [
      "message_id",
      "string",
      "Message id.",
      true,
    ]),
    t(
      "download_attachment",
      "read",
      `Download one attachment of a ${v.App} email as base64 data.`,
      ["message_id", "string", "Message id.", true],
      ["attachment_id", "string", "Attachment id.", true],
    ),
    t(`list_${v.folders}`, "read", `List the ${v.folders} of the ${v.App} mailbox with unread counts.`),
    t(`create_${v.folder}`, "write", `Create a new ${v.folder} in ${v.App} to organise email.`, [
      "name",
      "string",
      `Name of the ${v.folder}.`,
      true,
    ]),
    t(
      "move_message",
      "write",
      `Move a ${v.App} email into another ${v.folder}.`,
      ["message_id", "string", "Message id.", true],
      [`${v.folder}_id`, "string", `Target ${v.folder}.`, true],
    ),
    t(
      "mark_as_read",
      "write",
      `Mark ${v.App} emails as read or unread.`,
      ["message_ids", "string[]", "Message ids.", true],
      ["read", "boolean", "true = read, false = unread."],
    ),
    t("delete_message", "delete", `Delete a ${v.App} email permanently (skips the trash).`, [
      "message_id",
      "string",
      "Message id.",
      true,
    ]),
    t("trash_message", "write", `Move a ${v.App} email to the trash.`, ["message_id", "string", "Message id.", true]),
    t(
      "list_threads",
      "read",
      `List ${v.App} conversation threads matching a query.`,
      ["query", "string", "Search query."],
      page("threads"),
    ),
    t("get_thread", "read", `Get every message of one ${v.App} conversation thread.`, [
      "thread_id",
      "string",
      "Thread id.",
      true,
    ]),
    t(
      "list_contacts",
      "read",
      `List contacts saved in ${v.App}, with email addresses and companies.`,
      ["query", "string", "Name or email to match."],
      page("contacts"),
    ),
    t(
      "create_filter",
      "write",
      `Create a ${v.App} rule that files, labels or forwards incoming email automatically.`,
      ["criteria", "object", "from / to / subject / has_attachment conditions.", true],
      ["action", "object", `Add ${v.folder}, mark read, forward to.`, true],
    ),
    t("get_profile", "read", `Get the ${v.App} account's address, display name and mailbox size.`),
  ];
}

export interface CalendarVocabulary {
  App: string;
}
export function calendarTools(v: CalendarVocabulary): ToolTemplate[] {
  return [
    t("list_calendars", "read", `List the calendars the user can see in ${v.App}.`),
    t(
      "list_events",
      "read",
      `List ${v.App} events between two dates, expanded for recurring events.`,
      ["calendar_id", "string", "Calendar id; default primary."],
      ["time_min", "string", "Start, ISO 8601.", true],
      ["time_max", "string", "End, ISO 8601.", true],
      page("events"),
    ),
    t("get_event", "read", `Get one ${v.App} event with attendees, location and conference link.`, [
      "event_id",
      "string",
      "Event id.",
      true,
    ]),
    t(
      "create_event",
      "write",
      `Create a ${v.App} event and invite attendees.`,
      ["title", "string", "Event title.", true],
      ["start", "string", "Start, ISO 8601.", true],
      ["end", "string", "End, ISO 8601.", true],
      ["attendees", "string[]", "Attendee emails."],
      ["location", "string", "Room or address."],
    ),
    t(
      "update_event",
      "write",
      `Change the time, title or attendees of a ${v.App} event.`,
      ["event_id", "string", "Event id.", true],
      ["changes", "object", "Fields to change.", true],
    ),
    t("delete_event", "delete", `Cancel and delete a ${v.App} event; attendees are notified.`, [
      "event_id",
      "string",
      "Event id.",
      true,
    ]),
    t(
      "respond_to_event",
      "write",
      `Accept, decline or tentatively accept a ${v.App} invitation.`,
      ["event_id", "string", "Event id.", true],
      ["response", "string", "accepted | declined | tentative.", true],
    ),
    t(
      "find_free_time",
      "read",
      `Find time slots when all given people are free in ${v.App}.`,
      ["attendees", "string[]", "Emails.", true],
      ["duration_minutes", "integer", "Meeting length.", true],
      ["within_days", "integer", "Search horizon in days."],
    ),
    t(
      "get_free_busy",
      "read",
      `Get busy intervals of people or rooms from ${v.App}.`,
      ["emails", "string[]", "People or rooms.", true],
      ["time_min", "string", "Start.", true],
      ["time_max", "string", "End.", true],
    ),
    t("list_rooms", "read", `List bookable meeting rooms known to ${v.App}.`, ["building", "string", "Building name."]),
    t(
      "create_recurring_event",
      "write",
      `Create a repeating ${v.App} event (daily, weekly, monthly).`,
      ["title", "string", "Title.", true],
      ["start", "string", "First start.", true],
      ["rrule", "string", "RFC 5545 rule, e.g. FREQ=WEEKLY;BYDAY=MO.", true],
    ),
    t("quick_add_event", "write", `Create a ${v.App} event from a sentence like "Lunch with Ana tomorrow 1pm".`, [
      "text",
      "string",
      "Natural-language event.",
      true,
    ]),
    t(
      "search_events",
      "read",
      `Search ${v.App} events by title, description or attendee.`,
      ["query", "string", "Search text.", true],
      page("events"),
    ),
  ];
}

export interface ChatVocabulary {
  App: string;
  channel: string;
  channels: string;
}
export function chatTools(v: ChatVocabulary): ToolTemplate[] {
  return [
    t(
      `list_${v.channels}`,
      "read",
      `List ${v.App} ${v.channels} the user is a member of.`,
      ["include_archived", "boolean", "Include archived ones."],
      page(v.channels),
    ),
    t(
      `get_${v.channel}_history`,
      "read",
      `Read recent messages posted in a ${v.App} ${v.channel}.`,
      [`${v.channel}_id`, "string", `${v.channel} id.`, true],
      ["oldest", "string", "Only after this time."],
      page("messages"),
    ),
    t(
      "post_message",
      "write",
      `Post a message to a ${v.App} ${v.channel} or thread.`,
      [`${v.channel}_id`, "string", `${v.channel} id.`, true],
      ["text", "string", "Message text (markdown).", true],
      ["thread_id", "string", "Reply in this thread."],
    ),
    t(
      "send_direct_message",
      "write",
      `Send a private ${v.App} message to one person.`,
      ["user_id", "string", "Recipient.", true],
      ["text", "string", "Text.", true],
    ),
    t(
      "update_message",
      "write",
      `Edit a ${v.App} message the bot posted.`,
      [`${v.channel}_id`, "string", "Where it is.", true],
      ["message_id", "string", "Message.", true],
      ["text", "string", "New text.", true],
    ),
    t(
      "delete_message",
      "delete",
      `Delete a ${v.App} message.`,
      [`${v.channel}_id`, "string", "Where it is.", true],
      ["message_id", "string", "Message.", true],
    ),
    t(
      "add_reaction",
      "write",
      `Add an emoji reaction to a ${v.App} message.`,
      ["message_id", "string", "Message.", true],
      ["emoji", "string", "Emoji name.", true],
    ),
    t(
      "search_messages",
      "read",
      `Search ${v.App} messages across ${v.channels} by keyword, author or date.`,
      ["query", "string", "Search text.", true],
      page("messages"),
    ),
    t("list_users", "read", `List people in the ${v.App} workspace with names, emails and time zones.`, page("users")),
    t("get_user", "read", `Get a ${v.App} user's profile and presence.`, ["user_id", "string", "User id.", true]),
    t(
      `create_${v.channel}`,
      "write",
      `Create a new ${v.App} ${v.channel}.`,
      ["name", "string", "Name.", true],
      ["private", "boolean", `Private ${v.channel}.`],
    ),
    t(
      `invite_to_${v.channel}`,
      "write",
      `Add people to a ${v.App} ${v.channel}.`,
      [`${v.channel}_id`, "string", `${v.channel}.`, true],
      ["user_ids", "string[]", "People.", true],
    ),
    t(
      "upload_file",
      "write",
      `Share a file in a ${v.App} ${v.channel}.`,
      [`${v.channel}_id`, "string", `${v.channel}.`, true],
      ["filename", "string", "Name.", true],
      ["content_base64", "string", "Content.", true],
    ),
    t("pin_message", "write", `Pin a message in a ${v.App} ${v.channel}.`, ["message_id", "string", "Message.", true]),
    t(
      "set_status",
      "write",
      `Set the user's ${v.App} status text and emoji.`,
      ["text", "string", "Status.", true],
      ["expires_at", "string", "When it clears."],
    ),
  ];
}

export interface StorageVocabulary {
  App: string;
  item: string;
}
export function storageTools(v: StorageVocabulary): ToolTemplate[] {
  return [
    t(
      "list_folder",
      "read",
      `List files and folders in a ${v.App} folder.`,
      ["path", "string", 'Folder path; "/" is the root.'],
      page("entries"),
      cursor,
    ),
    t("get_metadata", "read", `Get size, dates, owner and sharing of a ${v.App} ${v.item}.`, [
      "path",
      "string",
      "Path or id.",
      true,
    ]),
    t(
      "search_files",
      "read",
      `Search ${v.App} files by name or content.`,
      ["query", "string", "Search text.", true],
      ["file_types", "string[]", "Extensions, e.g. pdf, xlsx."],
      page("results"),
    ),
    t("download_file", "read", `Download a file from ${v.App} as base64.`, [
      "path",
      "string",
      "File path or id.",
      true,
    ]),
    t(
      "upload_file",
      "write",
      `Upload a file to a ${v.App} folder.`,
      ["path", "string", "Destination folder.", true],
      ["name", "string", "File name.", true],
      ["content_base64", "string", "Content.", true],
      ["overwrite", "boolean", "Replace an existing file."],
    ),
    t(
      "create_folder",
      "write",
      `Create a folder in ${v.App}.`,
      ["path", "string", "Parent folder.", true],
      ["name", "string", "Folder name.", true],
    ),
    t(
      "move_item",
      "write",
      `Move or rename a ${v.App} file or folder.`,
      ["from_path", "string", "Source.", true],
      ["to_path", "string", "Destination.", true],
    ),
    t(
      "copy_item",
      "write",
      `Copy a ${v.App} file or folder.`,
      ["from_path", "string", "Source.", true],
      ["to_path", "string", "Destination.", true],
    ),
    t("delete_item", "delete", `Delete a ${v.App} file or folder (to the recycle bin).`, [
      "path",
      "string",
      "Path.",
      true,
    ]),
    t(
      "create_share_link",
      "write",
      `Create a sharing link for a ${v.App} ${v.item}.`,
      ["path", "string", "Path.", true],
      ["access", "string", "view | edit."],
      ["expires_at", "string", "Expiry date."],
    ),
    t("list_shared_with_me", "read", `List files others shared with the user in ${v.App}.`, page("items")),
    t("list_revisions", "read", `List previous versions of a ${v.App} file.`, ["path", "string", "File.", true]),
    t(
      "restore_revision",
      "write",
      `Restore a previous version of a ${v.App} file.`,
      ["path", "string", "File.", true],
      ["revision_id", "string", "Version.", true],
    ),
    t("get_storage_quota", "read", `Get used and total storage of the ${v.App} account.`),
    t("list_recent_files", "read", `List files the user opened or changed recently in ${v.App}.`, page("files")),
  ];
}

export interface CrmVocabulary {
  App: string;
  deal: string;
  deals: string;
}
export function crmTools(v: CrmVocabulary): ToolTemplate[] {
  return [
    t(
      "search_contacts",
      "read",
      `Search ${v.App} contacts by name, email, phone or company.`,
      ["query", "string", "Search text.", true],
      page("contacts"),
    ),
    t("get_contact", "read", `Get a ${v.App} contact with owner, lifecycle stage and recent activity.`, [
      "contact_id",
      "string",
      "Contact id.",
      true,
    ]),
    t(
      "create_contact",
      "write",
      `Create a contact in ${v.App}.`,
      ["email", "string", "Email.", true],
      ["first_name", "string", "First name."],
      ["last_name", "string", "Last name."],
      ["company", "string", "Company."],
    ),
    t(
      "update_contact",
      "write",
      `Update fields of a ${v.App} contact.`,
      ["contact_id", "string", "Contact.", true],
      ["fields", "object", "Fields to set.", true],
    ),
    t("delete_contact", "delete", `Delete a ${v.App} contact.`, ["contact_id", "string", "Contact.", true]),
    t(
      "search_companies",
      "read",
      `Search ${v.App} companies (accounts) by name or domain.`,
      ["query", "string", "Name or domain.", true],
      page("companies"),
    ),
    t(
      "create_company",
      "write",
      `Create a company (account) record in ${v.App}.`,
      ["name", "string", "Name.", true],
      ["domain", "string", "Web domain."],
    ),
    t(
      `list_${v.deals}`,
      "read",
      `List ${v.App} ${v.deals} by pipeline stage, owner or close date.`,
      ["stage", "string", "Pipeline stage."],
      ["owner_id", "string", "Owner."],
      page(v.deals),
    ),
    t(
      `create_${v.deal}`,
      "write",
      `Create a ${v.App} ${v.deal} for a company.`,
      ["name", "string", "Name.", true],
      ["amount", "number", "Value."],
      ["stage", "string", "Stage."],
      ["company_id", "string", "Company."],
    ),
    t(
      `update_${v.deal}_stage`,
      "write",
      `Move a ${v.App} ${v.deal} to another pipeline stage.`,
      [`${v.deal}_id`, "string", "Id.", true],
      ["stage", "string", "New stage.", true],
    ),
    t(
      "log_activity",
      "write",
      `Log a call, meeting or email against a ${v.App} record.`,
      ["record_id", "string", "Contact, company or deal.", true],
      ["type", "string", "call | meeting | email | note.", true],
      ["notes", "string", "What happened."],
    ),
    t(
      "create_task",
      "write",
      `Create a follow-up task in ${v.App}.`,
      ["title", "string", "Title.", true],
      ["due_date", "string", "Due date."],
      ["owner_id", "string", "Assignee."],
    ),
    t("list_pipelines", "read", `List ${v.App} sales pipelines and their stages.`),
    t("list_owners", "read", `List ${v.App} users who can own records.`),
    t("run_report", "read", `Run a saved ${v.App} report and return its rows.`, [
      "report_id",
      "string",
      "Report.",
      true,
    ]),
    t(
      "add_note",
      "write",
      `Attach a note to a ${v.App} record.`,
      ["record_id", "string", "Record.", true],
      ["body", "string", "Note text.", true],
    ),
  ];
}
