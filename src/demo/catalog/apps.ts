import { calendarTools, chatTools, crmTools, mailTools, storageTools } from "./domains-a.ts";
import {
  docsTools,
  financeTools,
  hrTools,
  marketingTools,
  meetingTools,
  opsTools,
  sheetTools,
  shopTools,
  signTools,
  socialTools,
  supportTools,
  trackerTools,
} from "./domains-b.ts";
import { t, type AppSpec } from "./spec.ts";

const app = (id: string, name: string, summary: string, tools: AppSpec["tools"]): AppSpec => ({
  id,
  name,
  summary,
  tools,
});

/**
 * The demo registry: realistic apps across the domains a company uses, with deliberate near-duplicates
 * (gmail vs outlook, dropbox vs onedrive, jira vs linear) so discovery has to tell them apart.
 */
export const CATALOG_APPS: readonly AppSpec[] = [
  app("gmail", "Gmail", "Google's email: messages, labels, threads, attachments, filters", [
    ...mailTools({
      App: "Gmail",
      folder: "label",
      folders: "labels",
      search: "Supports Gmail search operators such as from:, has:attachment, newer_than:7d.",
    }),
    t(
      "batch_modify_labels",
      "write",
      "Add or remove Gmail labels on many messages at once.",
      ["message_ids", "string[]", "Messages.", true],
      ["add_labels", "string[]", "Labels to add."],
      ["remove_labels", "string[]", "Labels to remove."],
    ),
    t("watch_mailbox", "write", "Ask Gmail to push new-mail notifications to a Pub/Sub topic.", [
      "topic",
      "string",
      "Pub/Sub topic.",
      true,
    ]),
  ]),
  app(
    "yahoo_mail",
    "Yahoo Mail",
    "Yahoo email: messages, folders, attachments",
    mailTools({
      App: "Yahoo Mail",
      folder: "folder",
      folders: "folders",
      search: "Filter by sender, subject or date.",
    }),
  ),
  app(
    "zoho_mail",
    "Zoho Mail",
    "Zoho email for business: messages, folders, attachments",
    mailTools({
      App: "Zoho Mail",
      folder: "folder",
      folders: "folders",
      search: "Search by sender, subject, content or date.",
    }),
  ),
  app(
    "fastmail",
    "Fastmail",
    "Fastmail email over JMAP: messages, mailboxes, attachments",
    mailTools({
      App: "Fastmail",
      folder: "mailbox",
      folders: "mailboxes",
      search: "JMAP filter on from, subject, text, before/after.",
    }),
  ),
  app(
    "proton_mail",
    "Proton Mail",
    "End-to-end encrypted email: messages, labels, attachments",
    mailTools({ App: "Proton Mail", folder: "label", folders: "labels", search: "Search by sender, subject or date." }),
  ),

  app(
    "google_calendar",
    "Google Calendar",
    "Google calendars, events, invitations and free/busy",
    calendarTools({ App: "Google Calendar" }),
  ),
  app(
    "outlook_calendar",
    "Outlook Calendar",
    "Microsoft 365 calendar: events, meeting invitations, rooms",
    calendarTools({ App: "Outlook Calendar" }),
  ),
  app("calendly", "Calendly", "Scheduling links, booked meetings and availability", calendarTools({ App: "Calendly" })),
  app("zoho_calendar", "Zoho Calendar", "Zoho calendars and events", calendarTools({ App: "Zoho Calendar" })),

  app("slack", "Slack", "Slack workspace: channels, messages, threads, files, users", [
    ...chatTools({ App: "Slack", channel: "channel", channels: "channels" }),
    t(
      "schedule_message",
      "write",
      "Schedule a Slack message to post later in a channel.",
      ["channel_id", "string", "Channel.", true],
      ["text", "string", "Text.", true],
      ["post_at", "string", "When, ISO 8601.", true],
    ),
    t("list_reminders", "read", "List the user's Slack reminders."),
    t(
      "add_reminder",
      "write",
      "Create a Slack reminder for the user.",
      ["text", "string", "What.", true],
      ["time", "string", "When, e.g. 'in 15 minutes'.", true],
    ),
    t("lookup_user_by_email", "read", "Find a Slack user by email address.", ["email", "string", "Email.", true]),
  ]),
  app("microsoft_teams", "Microsoft Teams", "Teams chats and channel messages, members", [
    ...chatTools({ App: "Microsoft Teams", channel: "channel", channels: "channels" }),
    t("list_teams", "read", "List the Microsoft Teams teams the user has joined."),
    t(
      "create_online_meeting",
      "write",
      "Create a Teams online meeting and return its join URL.",
      ["subject", "string", "Subject.", true],
      ["start", "string", "Start.", true],
      ["end", "string", "End.", true],
    ),
    t("list_chats", "read", "List the user's one-on-one and group chats in Microsoft Teams."),
  ]),
  app(
    "discord",
    "Discord",
    "Discord servers: channels, messages, members",
    chatTools({ App: "Discord", channel: "channel", channels: "channels" }),
  ),
  app(
    "google_chat",
    "Google Chat",
    "Google Chat spaces and messages",
    chatTools({ App: "Google Chat", channel: "space", channels: "spaces" }),
  ),
  app(
    "mattermost",
    "Mattermost",
    "Self-hosted team chat: channels, posts, users",
    chatTools({ App: "Mattermost", channel: "channel", channels: "channels" }),
  ),

  app("dropbox", "Dropbox", "Dropbox files and folders: upload, download, share, search", [
    ...storageTools({ App: "Dropbox", item: "file or folder" }),
    t("get_temporary_link", "read", "Get a 4-hour direct download link for a Dropbox file.", [
      "path",
      "string",
      "File.",
      true,
    ]),
    t("list_file_requests", "read", "List Dropbox file requests that collect uploads from others."),
  ]),
  app("google_drive", "Google Drive", "Google Drive files, folders, sharing and revisions", [
    ...storageTools({ App: "Google Drive", item: "file" }),
    t(
      "export_google_doc",
      "read",
      "Export a Google Docs, Sheets or Slides file as PDF, DOCX or XLSX.",
      ["file_id", "string", "File.", true],
      ["mime_type", "string", "Target MIME type.", true],
    ),
    t(
      "set_permissions",
      "write",
      "Grant a person or group access to a Google Drive file.",
      ["file_id", "string", "File.", true],
      ["email", "string", "Who.", true],
      ["role", "string", "reader | commenter | writer.", true],
    ),
  ]),
  app(
    "box",
    "Box",
    "Box enterprise content: files, folders, shared links",
    storageTools({ App: "Box", item: "file or folder" }),
  ),
  app(
    "sharepoint",
    "SharePoint",
    "SharePoint document libraries, sites and files",
    storageTools({ App: "SharePoint", item: "document" }),
  ),
  app("aws_s3", "Amazon S3", "S3 buckets and objects", storageTools({ App: "Amazon S3", item: "object" })),
  app("egnyte", "Egnyte", "Egnyte file server: folders, files, links", storageTools({ App: "Egnyte", item: "file" })),

  app("salesforce", "Salesforce", "Salesforce CRM: leads, contacts, accounts, opportunities, reports", [
    ...crmTools({ App: "Salesforce", deal: "opportunity", deals: "opportunities" }),
    t("run_soql_query", "read", "Run a SOQL query against Salesforce objects and return the records.", [
      "query",
      "string",
      "SOQL, e.g. SELECT Id, Name FROM Account LIMIT 10.",
      true,
    ]),
    t("convert_lead", "write", "Convert a Salesforce lead into an account, contact and opportunity.", [
      "lead_id",
      "string",
      "Lead.",
      true,
    ]),
  ]),
  app("hubspot", "HubSpot", "HubSpot CRM: contacts, companies, deals, tickets, notes", [
    ...crmTools({ App: "HubSpot", deal: "deal", deals: "deals" }),
    t("list_tickets", "read", "List HubSpot service tickets by pipeline stage.", ["stage", "string", "Stage."]),
    t(
      "create_ticket",
      "write",
      "Create a HubSpot service ticket.",
      ["subject", "string", "Subject.", true],
      ["contact_id", "string", "Contact."],
    ),
    t(
      "enroll_in_sequence",
      "write",
      "Enroll a HubSpot contact in a sales sequence.",
      ["contact_id", "string", "Contact.", true],
      ["sequence_id", "string", "Sequence.", true],
    ),
  ]),
  app(
    "pipedrive",
    "Pipedrive",
    "Pipedrive sales pipeline: persons, organizations, deals",
    crmTools({ App: "Pipedrive", deal: "deal", deals: "deals" }),
  ),
  app(
    "zoho_crm",
    "Zoho CRM",
    "Zoho CRM modules: leads, contacts, accounts, deals",
    crmTools({ App: "Zoho CRM", deal: "deal", deals: "deals" }),
  ),
  app(
    "dynamics365",
    "Dynamics 365 Sales",
    "Microsoft Dynamics 365 CRM: accounts, contacts, opportunities",
    crmTools({ App: "Dynamics 365", deal: "opportunity", deals: "opportunities" }),
  ),

  app("jira", "Jira", "Atlassian Jira issues, projects, sprints and workflows", [
    ...trackerTools({ App: "Jira", issue: "issue", issues: "issues", project: "project" }),
    t("list_sprints", "read", "List active and future sprints of a Jira board.", [
      "board_id",
      "string",
      "Board.",
      true,
    ]),
    t(
      "move_to_sprint",
      "write",
      "Move Jira issues into a sprint.",
      ["sprint_id", "string", "Sprint.", true],
      ["issue_ids", "string[]", "Issues.", true],
    ),
  ]),
  app(
    "linear",
    "Linear",
    "Linear issues, cycles, projects and teams",
    trackerTools({ App: "Linear", issue: "issue", issues: "issues", project: "team" }),
  ),
  app("github", "GitHub", "GitHub repositories, issues, pull requests, releases", [
    ...trackerTools({ App: "GitHub", issue: "issue", issues: "issues", project: "repo" }),
    t(
      "list_pull_requests",
      "read",
      "List pull requests of a GitHub repository by state.",
      ["repo", "string", "owner/name.", true],
      ["state", "string", "open | closed | all."],
    ),
    t(
      "create_pull_request",
      "write",
      "Open a GitHub pull request from a branch.",
      ["repo", "string", "owner/name.", true],
      ["head", "string", "Source branch.", true],
      ["base", "string", "Target branch.", true],
      ["title", "string", "Title.", true],
    ),
    t(
      "merge_pull_request",
      "write",
      "Merge a GitHub pull request.",
      ["repo", "string", "owner/name.", true],
      ["number", "integer", "PR number.", true],
      ["method", "string", "merge | squash | rebase."],
    ),
    t(
      "get_file_contents",
      "read",
      "Read a file from a GitHub repository at a ref.",
      ["repo", "string", "owner/name.", true],
      ["path", "string", "File path.", true],
      ["ref", "string", "Branch, tag or sha."],
    ),
    t(
      "create_release",
      "write",
      "Create a GitHub release with notes.",
      ["repo", "string", "owner/name.", true],
      ["tag", "string", "Tag.", true],
      ["notes", "string", "Release notes."],
    ),
  ]),
  app("gitlab", "GitLab", "GitLab projects, issues, merge requests, pipelines", [
    ...trackerTools({ App: "GitLab", issue: "issue", issues: "issues", project: "project" }),
    t(
      "list_merge_requests",
      "read",
      "List GitLab merge requests of a project.",
      ["project_id", "string", "Project.", true],
      ["state", "string", "opened | merged | closed."],
    ),
    t("list_pipelines", "read", "List CI pipelines of a GitLab project with status.", [
      "project_id",
      "string",
      "Project.",
      true,
    ]),
  ]),
  app(
    "asana",
    "Asana",
    "Asana tasks, projects, sections and portfolios",
    trackerTools({ App: "Asana", issue: "task", issues: "tasks", project: "project" }),
  ),
  app(
    "trello",
    "Trello",
    "Trello boards, lists and cards",
    trackerTools({ App: "Trello", issue: "card", issues: "cards", project: "board" }),
  ),
  app(
    "clickup",
    "ClickUp",
    "ClickUp tasks, lists, spaces and docs",
    trackerTools({ App: "ClickUp", issue: "task", issues: "tasks", project: "list" }),
  ),
  app(
    "monday",
    "monday.com",
    "monday.com boards, items and updates",
    trackerTools({ App: "monday.com", issue: "item", issues: "items", project: "board" }),
  ),

  app("quickbooks", "QuickBooks Online", "Accounting: invoices, bills, customers, vendors, reports", [
    ...financeTools({ App: "QuickBooks" }),
    t("list_vendors", "read", "List QuickBooks vendors (suppliers).", ["query", "string", "Name."]),
    t(
      "create_vendor",
      "write",
      "Create a QuickBooks vendor.",
      ["name", "string", "Name.", true],
      ["email", "string", "Email."],
    ),
  ]),
  app("xero", "Xero", "Xero accounting: invoices, bills, bank transactions, reports", financeTools({ App: "Xero" })),
  app("stripe", "Stripe", "Stripe payments: charges, customers, invoices, refunds, payouts", [
    ...financeTools({ App: "Stripe" }),
    t("list_payouts", "read", "List Stripe payouts to the bank account.", [
      "status",
      "string",
      "paid | pending | failed.",
    ]),
    t(
      "create_payment_link",
      "write",
      "Create a Stripe payment link for a price.",
      ["price_id", "string", "Price.", true],
      ["quantity", "integer", "Quantity."],
    ),
  ]),
  app(
    "freshbooks",
    "FreshBooks",
    "Invoicing, expenses and time tracking for small businesses",
    financeTools({ App: "FreshBooks" }),
  ),
  app("netsuite", "NetSuite", "Oracle NetSuite ERP: financials, vendors, customers", financeTools({ App: "NetSuite" })),

  app("notion", "Notion", "Notion pages, databases and comments", [
    ...docsTools({ App: "Notion", page: "page", space: "database" }),
    t(
      "query_database",
      "read",
      "Query a Notion database with filters and sorts.",
      ["database_id", "string", "Database.", true],
      ["filter", "object", "Notion filter object."],
    ),
    t(
      "create_database_item",
      "write",
      "Add an item (row) to a Notion database.",
      ["database_id", "string", "Database.", true],
      ["properties", "object", "Property values.", true],
    ),
  ]),
  app(
    "confluence",
    "Confluence",
    "Atlassian Confluence spaces and pages",
    docsTools({ App: "Confluence", page: "page", space: "space" }),
  ),
  app(
    "google_docs",
    "Google Docs",
    "Google Docs documents",
    docsTools({ App: "Google Docs", page: "document", space: "folder" }),
  ),
  app("coda", "Coda", "Coda docs, pages and tables", docsTools({ App: "Coda", page: "page", space: "doc" })),

  app(
    "google_sheets",
    "Google Sheets",
    "Google spreadsheets: read, append and update rows",
    sheetTools({ App: "Google Sheets", sheet: "spreadsheet", row: "row" }),
  ),
  app("airtable", "Airtable", "Airtable bases, tables and records", [
    ...sheetTools({ App: "Airtable", sheet: "table", row: "record" }),
    t("list_bases", "read", "List the Airtable bases the token can access."),
  ]),
  app(
    "smartsheet",
    "Smartsheet",
    "Smartsheet sheets, rows and attachments",
    sheetTools({ App: "Smartsheet", sheet: "sheet", row: "row" }),
  ),
  app(
    "excel_online",
    "Excel Online",
    "Excel workbooks in Microsoft 365: worksheets, tables, rows",
    sheetTools({ App: "Excel", sheet: "workbook", row: "row" }),
  ),

  app("zendesk", "Zendesk", "Zendesk Support tickets, users, macros, help center", [
    ...supportTools({ App: "Zendesk", ticket: "ticket" }),
    t("list_views", "read", "List Zendesk ticket views and their counts."),
    t(
      "create_user",
      "write",
      "Create a Zendesk end user.",
      ["name", "string", "Name.", true],
      ["email", "string", "Email.", true],
    ),
  ]),
  app(
    "intercom",
    "Intercom",
    "Intercom conversations, contacts and articles",
    supportTools({ App: "Intercom", ticket: "conversation" }),
  ),
  app(
    "freshdesk",
    "Freshdesk",
    "Freshdesk tickets, contacts and solutions",
    supportTools({ App: "Freshdesk", ticket: "ticket" }),
  ),
  app(
    "servicenow",
    "ServiceNow",
    "ServiceNow incidents, requests and knowledge",
    supportTools({ App: "ServiceNow", ticket: "incident" }),
  ),

  app("bamboohr", "BambooHR", "BambooHR employees, time off and reports", hrTools({ App: "BambooHR" })),
  app("workday", "Workday", "Workday HCM: workers, absence, recruiting", hrTools({ App: "Workday" })),
  app("gusto", "Gusto", "Gusto payroll, employees and time off", hrTools({ App: "Gusto" })),
  app(
    "greenhouse",
    "Greenhouse",
    "Greenhouse recruiting: jobs, candidates, interviews",
    hrTools({ App: "Greenhouse" }),
  ),

  app(
    "mailchimp",
    "Mailchimp",
    "Mailchimp audiences, campaigns and reports",
    marketingTools({ App: "Mailchimp", audience: "audience" }),
  ),
  app(
    "sendgrid",
    "SendGrid",
    "Twilio SendGrid email sending, lists and templates",
    marketingTools({ App: "SendGrid", audience: "list" }),
  ),
  app("klaviyo", "Klaviyo", "Klaviyo lists, campaigns and flows", marketingTools({ App: "Klaviyo", audience: "list" })),
  app(
    "brevo",
    "Brevo",
    "Brevo (Sendinblue) contacts, campaigns, transactional email",
    marketingTools({ App: "Brevo", audience: "list" }),
  ),

  app("shopify", "Shopify", "Shopify store: orders, products, inventory, customers", [
    ...shopTools({ App: "Shopify" }),
    t("list_abandoned_checkouts", "read", "List Shopify checkouts customers did not complete.", [
      "created_after",
      "string",
      "Date.",
    ]),
    t(
      "create_draft_order",
      "write",
      "Create a Shopify draft order to send as an invoice.",
      ["line_items", "object", "Items.", true],
      ["customer_id", "string", "Customer."],
    ),
  ]),
  app(
    "woocommerce",
    "WooCommerce",
    "WooCommerce store: orders, products, customers",
    shopTools({ App: "WooCommerce" }),
  ),
  app("bigcommerce", "BigCommerce", "BigCommerce store: orders, catalog, customers", shopTools({ App: "BigCommerce" })),

  app("zoom", "Zoom", "Zoom meetings, recordings and transcripts", meetingTools({ App: "Zoom" })),
  app("webex", "Webex", "Cisco Webex meetings and recordings", meetingTools({ App: "Webex" })),
  app(
    "google_meet",
    "Google Meet",
    "Google Meet conferences, recordings, transcripts",
    meetingTools({ App: "Google Meet" }),
  ),

  app(
    "pagerduty",
    "PagerDuty",
    "PagerDuty incidents, services and on-call",
    opsTools({ App: "PagerDuty", alert: "incident" }),
  ),
  app(
    "datadog",
    "Datadog",
    "Datadog monitors, metrics, logs and events",
    opsTools({ App: "Datadog", alert: "monitor_alert" }),
  ),
  app("sentry", "Sentry", "Sentry errors and issues per project", opsTools({ App: "Sentry", alert: "error_issue" })),
  app("opsgenie", "Opsgenie", "Opsgenie alerts and on-call schedules", opsTools({ App: "Opsgenie", alert: "alert" })),

  app(
    "linkedin",
    "LinkedIn",
    "LinkedIn posts, profile and company page",
    socialTools({ App: "LinkedIn", post: "post" }),
  ),
  app("x", "X (Twitter)", "X posts, mentions and direct messages", socialTools({ App: "X", post: "tweet" })),
  app(
    "facebook_pages",
    "Facebook Pages",
    "Facebook page posts, comments and insights",
    socialTools({ App: "Facebook", post: "post" }),
  ),

  app("docusign", "DocuSign", "DocuSign e-signature envelopes and templates", signTools({ App: "DocuSign" })),
  app(
    "dropbox_sign",
    "Dropbox Sign",
    "Dropbox Sign (HelloSign) signature requests",
    signTools({ App: "Dropbox Sign" }),
  ),
  app("adobe_sign", "Adobe Acrobat Sign", "Adobe Acrobat Sign agreements", signTools({ App: "Adobe Acrobat Sign" })),
];
