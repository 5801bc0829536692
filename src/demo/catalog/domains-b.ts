import { t, type ToolTemplate } from "./spec.ts";

const page = (what: string): [string, "integer", string] => [
  "limit",
  "integer",
  `Maximum number of ${what} to return (1-100, default 25).`,
];

export interface TrackerVocabulary {
  App: string;
  issue: string;
  issues: string;
  project: string;
}
export function trackerTools(v: TrackerVocabulary): ToolTemplate[] {
  return [
    t(
      `search_${v.issues}`,
      "read",
      `Search ${v.App} ${v.issues} by text, status, assignee or label.`,
      ["query", "string", "Search text or query language.", true],
      page(v.issues),
    ),
    t(`get_${v.issue}`, "read", `Get a ${v.App} ${v.issue} with description, comments and history.`, [
      `${v.issue}_id`,
      "string",
      "Id or key.",
      true,
    ]),
    t(
      `create_${v.issue}`,
      "write",
      `Create a ${v.App} ${v.issue} in a ${v.project}.`,
      [`${v.project}_id`, "string", `${v.project}.`, true],
      ["title", "string", "Title.", true],
      ["description", "string", "Description (markdown)."],
      ["assignee", "string", "Assignee."],
      ["labels", "string[]", "Labels."],
    ),
    t(
      `update_${v.issue}`,
      "write",
      `Change title, description, assignee or priority of a ${v.App} ${v.issue}.`,
      [`${v.issue}_id`, "string", "Id.", true],
      ["fields", "object", "Fields to change.", true],
    ),
    t(
      `transition_${v.issue}`,
      "write",
      `Move a ${v.App} ${v.issue} to another status (e.g. In Progress, Done).`,
      [`${v.issue}_id`, "string", "Id.", true],
      ["status", "string", "Target status.", true],
    ),
    t(`delete_${v.issue}`, "delete", `Delete a ${v.App} ${v.issue}.`, [`${v.issue}_id`, "string", "Id.", true]),
    t(
      "add_comment",
      "write",
      `Comment on a ${v.App} ${v.issue}.`,
      [`${v.issue}_id`, "string", "Id.", true],
      ["body", "string", "Comment.", true],
    ),
    t("list_comments", "read", `List comments on a ${v.App} ${v.issue}.`, [`${v.issue}_id`, "string", "Id.", true]),
    t(`list_${v.project}s`, "read", `List ${v.App} ${v.project}s the user can access.`, page(`${v.project}s`)),
    t(
      "assign",
      "write",
      `Assign a ${v.App} ${v.issue} to a person.`,
      [`${v.issue}_id`, "string", "Id.", true],
      ["assignee", "string", "User.", true],
    ),
    t("list_my_work", "read", `List ${v.App} ${v.issues} assigned to the current user.`, [
      "status",
      "string",
      "Filter by status.",
    ]),
    t(
      "add_label",
      "write",
      `Add a label to a ${v.App} ${v.issue}.`,
      [`${v.issue}_id`, "string", "Id.", true],
      ["label", "string", "Label.", true],
    ),
    t(
      "attach_file",
      "write",
      `Attach a file to a ${v.App} ${v.issue}.`,
      [`${v.issue}_id`, "string", "Id.", true],
      ["filename", "string", "Name.", true],
      ["content_base64", "string", "Content.", true],
    ),
    t(
      "link_issues",
      "write",
      `Link two ${v.App} ${v.issues} (blocks, relates to, duplicates).`,
      ["from_id", "string", "From.", true],
      ["to_id", "string", "To.", true],
      ["type", "string", "Link type.", true],
    ),
    t("list_statuses", "read", `List workflow statuses of a ${v.App} ${v.project}.`, [
      `${v.project}_id`,
      "string",
      "Id.",
      true,
    ]),
  ];
}

export interface FinanceVocabulary {
  App: string;
}
export function financeTools(v: FinanceVocabulary): ToolTemplate[] {
  return [
    t(
      "list_invoices",
      "read",
      `List ${v.App} invoices by customer, status (draft, open, paid, overdue) or date.`,
      ["status", "string", "Invoice status."],
      ["customer_id", "string", "Customer."],
      ["from_date", "string", "Issued after."],
      page("invoices"),
    ),
    t("get_invoice", "read", `Get one ${v.App} invoice with line items, taxes and payments.`, [
      "invoice_id",
      "string",
      "Invoice.",
      true,
    ]),
    t(
      "create_invoice",
      "write",
      `Create a ${v.App} invoice for a customer.`,
      ["customer_id", "string", "Customer.", true],
      ["line_items", "object", "Items with description, quantity, unit price.", true],
      ["due_date", "string", "Due date."],
    ),
    t("send_invoice", "write", `Email a ${v.App} invoice to the customer.`, ["invoice_id", "string", "Invoice.", true]),
    t("void_invoice", "delete", `Void a ${v.App} invoice.`, ["invoice_id", "string", "Invoice.", true]),
    t(
      "record_payment",
      "write",
      `Record a payment received against a ${v.App} invoice.`,
      ["invoice_id", "string", "Invoice.", true],
      ["amount", "number", "Amount.", true],
      ["date", "string", "Payment date."],
    ),
    t(
      "list_customers",
      "read",
      `List ${v.App} customers with balances.`,
      ["query", "string", "Name or email."],
      page("customers"),
    ),
    t(
      "create_customer",
      "write",
      `Create a customer in ${v.App}.`,
      ["name", "string", "Name.", true],
      ["email", "string", "Billing email."],
    ),
    t(
      "list_bills",
      "read",
      `List vendor bills to pay in ${v.App}.`,
      ["status", "string", "open | paid."],
      page("bills"),
    ),
    t(
      "create_bill",
      "write",
      `Enter a vendor bill in ${v.App} (e.g. from a PDF invoice received by email).`,
      ["vendor_id", "string", "Vendor.", true],
      ["amount", "number", "Total.", true],
      ["due_date", "string", "Due."],
      ["attachment_base64", "string", "Scanned bill."],
    ),
    t(
      "list_transactions",
      "read",
      `List bank or card transactions in ${v.App}.`,
      ["account_id", "string", "Account."],
      ["from_date", "string", "From."],
      ["to_date", "string", "To."],
      page("transactions"),
    ),
    t(
      "categorize_transaction",
      "write",
      `Assign a ${v.App} transaction to an expense account.`,
      ["transaction_id", "string", "Transaction.", true],
      ["category", "string", "Account or category.", true],
    ),
    t(
      "get_profit_and_loss",
      "read",
      `Run the ${v.App} profit and loss report for a period.`,
      ["from_date", "string", "Start.", true],
      ["to_date", "string", "End.", true],
    ),
    t("get_balance_sheet", "read", `Run the ${v.App} balance sheet report at a date.`, [
      "as_of",
      "string",
      "Date.",
      true,
    ]),
    t(
      "list_expenses",
      "read",
      `List expenses and receipts in ${v.App}.`,
      ["from_date", "string", "From."],
      page("expenses"),
    ),
    t(
      "refund_payment",
      "delete",
      `Refund a payment in ${v.App}, fully or partly.`,
      ["payment_id", "string", "Payment.", true],
      ["amount", "number", "Amount; default all."],
    ),
  ];
}

export interface DocsVocabulary {
  App: string;
  page: string;
  space: string;
}
export function docsTools(v: DocsVocabulary): ToolTemplate[] {
  return [
    t(
      "search",
      "read",
      `Search ${v.App} ${v.page}s by title and content.`,
      ["query", "string", "Search text.", true],
      page("results"),
    ),
    t(`get_${v.page}`, "read", `Get a ${v.App} ${v.page}'s content as markdown.`, [
      `${v.page}_id`,
      "string",
      "Id.",
      true,
    ]),
    t(
      `create_${v.page}`,
      "write",
      `Create a ${v.App} ${v.page} in a ${v.space}.`,
      [`${v.space}_id`, "string", `${v.space}.`, true],
      ["title", "string", "Title.", true],
      ["content", "string", "Markdown."],
    ),
    t(
      `update_${v.page}`,
      "write",
      `Replace or append content of a ${v.App} ${v.page}.`,
      [`${v.page}_id`, "string", "Id.", true],
      ["content", "string", "Markdown.", true],
      ["mode", "string", "replace | append."],
    ),
    t(`delete_${v.page}`, "delete", `Delete (archive) a ${v.App} ${v.page}.`, [`${v.page}_id`, "string", "Id.", true]),
    t(`list_${v.space}s`, "read", `List ${v.App} ${v.space}s.`),
    t(`list_child_${v.page}s`, "read", `List ${v.page}s nested under a ${v.App} ${v.page}.`, [
      `${v.page}_id`,
      "string",
      "Parent.",
      true,
    ]),
    t(
      "add_comment",
      "write",
      `Comment on a ${v.App} ${v.page}.`,
      [`${v.page}_id`, "string", "Id.", true],
      ["body", "string", "Comment.", true],
    ),
    t("list_comments", "read", `List comments on a ${v.App} ${v.page}.`, [`${v.page}_id`, "string", "Id.", true]),
    t(
      `move_${v.page}`,
      "write",
      `Move a ${v.App} ${v.page} under another parent.`,
      [`${v.page}_id`, "string", "Id.", true],
      ["parent_id", "string", "New parent.", true],
    ),
    t("export_pdf", "read", `Export a ${v.App} ${v.page} as PDF (base64).`, [`${v.page}_id`, "string", "Id.", true]),
    t(
      "share",
      "write",
      `Share a ${v.App} ${v.page} with people.`,
      [`${v.page}_id`, "string", "Id.", true],
      ["emails", "string[]", "People.", true],
      ["role", "string", "viewer | editor."],
    ),
  ];
}

export interface SheetVocabulary {
  App: string;
  sheet: string;
  row: string;
}
export function sheetTools(v: SheetVocabulary): ToolTemplate[] {
  return [
    t(`list_${v.sheet}s`, "read", `List ${v.App} ${v.sheet}s the user can open.`, page(`${v.sheet}s`)),
    t(`get_${v.sheet}`, "read", `Get ${v.App} ${v.sheet} metadata: tabs, columns, sizes.`, [
      `${v.sheet}_id`,
      "string",
      "Id.",
      true,
    ]),
    t(
      `read_${v.row}s`,
      "read",
      `Read ${v.row}s from a ${v.App} ${v.sheet}, optionally filtered.`,
      [`${v.sheet}_id`, "string", "Id.", true],
      ["range", "string", "A1 range or table name."],
      ["filter", "string", "Formula or field filter."],
      page(`${v.row}s`),
    ),
    t(
      `append_${v.row}s`,
      "write",
      `Append ${v.row}s to a ${v.App} ${v.sheet} (e.g. a processed-items log).`,
      [`${v.sheet}_id`, "string", "Id.", true],
      ["values", "object", `${v.row}s as arrays or objects.`, true],
    ),
    t(
      `update_${v.row}`,
      "write",
      `Update cells of one ${v.row} in a ${v.App} ${v.sheet}.`,
      [`${v.sheet}_id`, "string", "Id.", true],
      [`${v.row}_id`, "string", "Row id or number.", true],
      ["values", "object", "New values.", true],
    ),
    t(
      `delete_${v.row}s`,
      "delete",
      `Delete ${v.row}s from a ${v.App} ${v.sheet}.`,
      [`${v.sheet}_id`, "string", "Id.", true],
      [`${v.row}_ids`, "string[]", "Rows.", true],
    ),
    t(
      `create_${v.sheet}`,
      "write",
      `Create a new ${v.App} ${v.sheet}.`,
      ["title", "string", "Title.", true],
      ["columns", "string[]", "Header names."],
    ),
    t(
      "add_tab",
      "write",
      `Add a tab (worksheet) to a ${v.App} ${v.sheet}.`,
      [`${v.sheet}_id`, "string", "Id.", true],
      ["title", "string", "Tab name.", true],
    ),
    t(
      "find_rows",
      "read",
      `Find ${v.row}s in a ${v.App} ${v.sheet} whose column equals a value.`,
      [`${v.sheet}_id`, "string", "Id.", true],
      ["column", "string", "Column.", true],
      ["value", "string", "Value.", true],
    ),
    t(
      "clear_range",
      "delete",
      `Clear values in a ${v.App} range.`,
      [`${v.sheet}_id`, "string", "Id.", true],
      ["range", "string", "A1 range.", true],
    ),
    t(
      "export_csv",
      "read",
      `Export a ${v.App} ${v.sheet} tab as CSV.`,
      [`${v.sheet}_id`, "string", "Id.", true],
      ["tab", "string", "Tab."],
    ),
  ];
}

export interface SupportVocabulary {
  App: string;
  ticket: string;
}
export function supportTools(v: SupportVocabulary): ToolTemplate[] {
  return [
    t(
      `search_${v.ticket}s`,
      "read",
      `Search ${v.App} ${v.ticket}s by status, requester, tag or text.`,
      ["query", "string", "Search.", true],
      page(`${v.ticket}s`),
    ),
    t(`get_${v.ticket}`, "read", `Get a ${v.App} ${v.ticket} with its conversation.`, [
      `${v.ticket}_id`,
      "string",
      "Id.",
      true,
    ]),
    t(
      `create_${v.ticket}`,
      "write",
      `Open a ${v.App} ${v.ticket} for a customer.`,
      ["subject", "string", "Subject.", true],
      ["description", "string", "First message.", true],
      ["requester_email", "string", "Customer email.", true],
      ["priority", "string", "low | normal | high | urgent."],
    ),
    t(
      `reply_to_${v.ticket}`,
      "write",
      `Reply publicly to the customer on a ${v.App} ${v.ticket}.`,
      [`${v.ticket}_id`, "string", "Id.", true],
      ["body", "string", "Reply.", true],
    ),
    t(
      "add_internal_note",
      "write",
      `Add a private note to a ${v.App} ${v.ticket}.`,
      [`${v.ticket}_id`, "string", "Id.", true],
      ["body", "string", "Note.", true],
    ),
    t(
      `update_${v.ticket}`,
      "write",
      `Change status, priority, assignee or tags of a ${v.App} ${v.ticket}.`,
      [`${v.ticket}_id`, "string", "Id.", true],
      ["fields", "object", "Changes.", true],
    ),
    t(
      `merge_${v.ticket}s`,
      "write",
      `Merge duplicate ${v.App} ${v.ticket}s into one.`,
      ["target_id", "string", "Keep this.", true],
      ["source_ids", "string[]", "Merge these.", true],
    ),
    t(`delete_${v.ticket}`, "delete", `Delete a ${v.App} ${v.ticket}.`, [`${v.ticket}_id`, "string", "Id.", true]),
    t("list_agents", "read", `List ${v.App} agents and their groups.`),
    t("search_customers", "read", `Find ${v.App} customers (end users) by name or email.`, [
      "query",
      "string",
      "Search.",
      true,
    ]),
    t("list_macros", "read", `List ${v.App} canned responses (macros).`),
    t("search_help_center", "read", `Search ${v.App} help-center articles.`, ["query", "string", "Search.", true]),
    t(
      "get_satisfaction_ratings",
      "read",
      `List ${v.App} CSAT ratings for a period.`,
      ["from_date", "string", "From."],
      ["to_date", "string", "To."],
    ),
  ];
}

export interface HrVocabulary {
  App: string;
}
export function hrTools(v: HrVocabulary): ToolTemplate[] {
  return [
    t(
      "list_employees",
      "read",
      `List employees in ${v.App} with department, title and manager.`,
      ["department", "string", "Department."],
      page("employees"),
    ),
    t("get_employee", "read", `Get a ${v.App} employee record.`, ["employee_id", "string", "Id.", true]),
    t(
      "create_employee",
      "write",
      `Add a new hire to ${v.App}.`,
      ["first_name", "string", "First.", true],
      ["last_name", "string", "Last.", true],
      ["start_date", "string", "Start.", true],
      ["job_title", "string", "Title."],
    ),
    t(
      "update_employee",
      "write",
      `Update a ${v.App} employee's fields.`,
      ["employee_id", "string", "Id.", true],
      ["fields", "object", "Changes.", true],
    ),
    t(
      "list_time_off_requests",
      "read",
      `List ${v.App} time-off requests by status and dates.`,
      ["status", "string", "requested | approved | denied."],
      ["from_date", "string", "From."],
    ),
    t(
      "request_time_off",
      "write",
      `Request time off in ${v.App}.`,
      ["employee_id", "string", "Who.", true],
      ["start", "string", "First day.", true],
      ["end", "string", "Last day.", true],
      ["type", "string", "vacation | sick | other."],
    ),
    t(
      "approve_time_off",
      "write",
      `Approve or deny a ${v.App} time-off request.`,
      ["request_id", "string", "Request.", true],
      ["approve", "boolean", "true to approve.", true],
    ),
    t(
      "whos_out",
      "read",
      `List who is out of office in ${v.App} for a date range.`,
      ["from_date", "string", "From.", true],
      ["to_date", "string", "To.", true],
    ),
    t("list_job_openings", "read", `List open positions in ${v.App}.`),
    t("list_candidates", "read", `List ${v.App} candidates for a job with their stage.`, [
      "job_id",
      "string",
      "Job.",
      true,
    ]),
    t(
      "terminate_employee",
      "delete",
      `Record an employee's termination in ${v.App}.`,
      ["employee_id", "string", "Id.", true],
      ["date", "string", "Last day.", true],
    ),
    t("get_org_chart", "read", `Get the ${v.App} reporting lines under a manager.`, [
      "manager_id",
      "string",
      "Manager.",
    ]),
  ];
}

export interface MarketingVocabulary {
  App: string;
  audience: string;
}
export function marketingTools(v: MarketingVocabulary): ToolTemplate[] {
  return [
    t(`list_${v.audience}s`, "read", `List ${v.App} ${v.audience}s with subscriber counts.`),
    t(
      "add_subscriber",
      "write",
      `Add or update a subscriber in a ${v.App} ${v.audience}.`,
      [`${v.audience}_id`, "string", "Id.", true],
      ["email", "string", "Email.", true],
      ["fields", "object", "Merge fields."],
    ),
    t(
      "unsubscribe",
      "write",
      `Unsubscribe an address from a ${v.App} ${v.audience}.`,
      [`${v.audience}_id`, "string", "Id.", true],
      ["email", "string", "Email.", true],
    ),
    t("list_campaigns", "read", `List ${v.App} email campaigns and their status.`, page("campaigns")),
    t(
      "create_campaign",
      "write",
      `Create a ${v.App} email campaign draft.`,
      [`${v.audience}_id`, "string", "Recipients.", true],
      ["subject", "string", "Subject.", true],
      ["html", "string", "Content.", true],
    ),
    t(
      "send_campaign",
      "write",
      `Send or schedule a ${v.App} campaign.`,
      ["campaign_id", "string", "Campaign.", true],
      ["send_at", "string", "Schedule time."],
    ),
    t("get_campaign_report", "read", `Get opens, clicks and bounces of a ${v.App} campaign.`, [
      "campaign_id",
      "string",
      "Campaign.",
      true,
    ]),
    t(
      "send_transactional_email",
      "write",
      `Send one transactional email through ${v.App}.`,
      ["to", "string", "Recipient.", true],
      ["template_id", "string", "Template.", true],
      ["data", "object", "Template data."],
    ),
    t("list_templates", "read", `List ${v.App} email templates.`),
    t("delete_subscriber", "delete", `Permanently delete a subscriber from ${v.App}.`, [
      "email",
      "string",
      "Email.",
      true,
    ]),
  ];
}

export interface ShopVocabulary {
  App: string;
}
export function shopTools(v: ShopVocabulary): ToolTemplate[] {
  return [
    t(
      "list_orders",
      "read",
      `List ${v.App} orders by status, date or customer.`,
      ["status", "string", "open | closed | cancelled."],
      ["created_after", "string", "Date."],
      page("orders"),
    ),
    t("get_order", "read", `Get a ${v.App} order with line items, shipping and payment.`, [
      "order_id",
      "string",
      "Order.",
      true,
    ]),
    t(
      "fulfill_order",
      "write",
      `Mark a ${v.App} order fulfilled and add tracking.`,
      ["order_id", "string", "Order.", true],
      ["tracking_number", "string", "Tracking."],
    ),
    t(
      "cancel_order",
      "delete",
      `Cancel a ${v.App} order and optionally refund.`,
      ["order_id", "string", "Order.", true],
      ["refund", "boolean", "Refund payment."],
    ),
    t(
      "list_products",
      "read",
      `List ${v.App} products with variants and stock.`,
      ["query", "string", "Title search."],
      page("products"),
    ),
    t(
      "create_product",
      "write",
      `Create a ${v.App} product.`,
      ["title", "string", "Title.", true],
      ["price", "number", "Price.", true],
      ["sku", "string", "SKU."],
    ),
    t(
      "update_inventory",
      "write",
      `Set the ${v.App} stock level of a product variant.`,
      ["variant_id", "string", "Variant.", true],
      ["quantity", "integer", "On hand.", true],
    ),
    t("list_customers", "read", `List ${v.App} customers.`, ["query", "string", "Name or email."]),
    t(
      "create_discount_code",
      "write",
      `Create a ${v.App} discount code.`,
      ["code", "string", "Code.", true],
      ["percent_off", "number", "Percent.", true],
    ),
    t(
      "get_sales_report",
      "read",
      `Get ${v.App} sales totals for a period.`,
      ["from_date", "string", "From.", true],
      ["to_date", "string", "To.", true],
    ),
  ];
}

export interface MeetingVocabulary {
  App: string;
}
export function meetingTools(v: MeetingVocabulary): ToolTemplate[] {
  return [
    t(
      "create_meeting",
      "write",
      `Schedule a ${v.App} video meeting and get the join link.`,
      ["topic", "string", "Topic.", true],
      ["start_time", "string", "Start.", true],
      ["duration_minutes", "integer", "Length."],
    ),
    t("list_meetings", "read", `List upcoming ${v.App} meetings.`, page("meetings")),
    t("get_meeting", "read", `Get a ${v.App} meeting's details and join link.`, [
      "meeting_id",
      "string",
      "Meeting.",
      true,
    ]),
    t("delete_meeting", "delete", `Cancel a ${v.App} meeting.`, ["meeting_id", "string", "Meeting.", true]),
    t("list_recordings", "read", `List cloud recordings of ${v.App} meetings.`, ["from_date", "string", "From."]),
    t("get_transcript", "read", `Get the transcript of a recorded ${v.App} meeting.`, [
      "meeting_id",
      "string",
      "Meeting.",
      true,
    ]),
    t("list_participants", "read", `List who attended a past ${v.App} meeting.`, [
      "meeting_id",
      "string",
      "Meeting.",
      true,
    ]),
    t(
      "update_meeting",
      "write",
      `Change a ${v.App} meeting's time or topic.`,
      ["meeting_id", "string", "Meeting.", true],
      ["changes", "object", "Changes.", true],
    ),
  ];
}

export interface OpsVocabulary {
  App: string;
  alert: string;
}
export function opsTools(v: OpsVocabulary): ToolTemplate[] {
  return [
    t(
      `list_${v.alert}s`,
      "read",
      `List ${v.App} ${v.alert}s by status and service.`,
      ["status", "string", "triggered | acknowledged | resolved."],
      page(`${v.alert}s`),
    ),
    t(`get_${v.alert}`, "read", `Get a ${v.App} ${v.alert} with its timeline.`, [
      `${v.alert}_id`,
      "string",
      "Id.",
      true,
    ]),
    t(`acknowledge_${v.alert}`, "write", `Acknowledge a ${v.App} ${v.alert}.`, [
      `${v.alert}_id`,
      "string",
      "Id.",
      true,
    ]),
    t(
      `resolve_${v.alert}`,
      "write",
      `Resolve a ${v.App} ${v.alert}.`,
      [`${v.alert}_id`, "string", "Id.", true],
      ["note", "string", "Resolution note."],
    ),
    t(
      `create_${v.alert}`,
      "write",
      `Trigger a new ${v.App} ${v.alert}.`,
      ["title", "string", "Title.", true],
      ["service", "string", "Service.", true],
      ["severity", "string", "Severity."],
    ),
    t("list_services", "read", `List services monitored by ${v.App}.`),
    t("get_on_call", "read", `Who is on call now in ${v.App} for a schedule.`, ["schedule_id", "string", "Schedule."]),
    t(
      "query_metrics",
      "read",
      `Query ${v.App} time-series metrics.`,
      ["query", "string", "Metric query.", true],
      ["from", "string", "Start.", true],
      ["to", "string", "End.", true],
    ),
    t(
      "search_logs",
      "read",
      `Search ${v.App} logs.`,
      ["query", "string", "Log query.", true],
      ["from", "string", "Start."],
      page("log lines"),
    ),
    t(
      "mute_monitor",
      "write",
      `Silence a ${v.App} monitor for a while.`,
      ["monitor_id", "string", "Monitor.", true],
      ["until", "string", "Until."],
    ),
  ];
}

export interface SocialVocabulary {
  App: string;
  post: string;
}
export function socialTools(v: SocialVocabulary): ToolTemplate[] {
  return [
    t(
      `create_${v.post}`,
      "write",
      `Publish a ${v.post} on ${v.App}.`,
      ["text", "string", "Text.", true],
      ["media_base64", "string", "Image."],
    ),
    t(`delete_${v.post}`, "delete", `Delete a ${v.App} ${v.post}.`, [`${v.post}_id`, "string", "Id.", true]),
    t(
      `list_my_${v.post}s`,
      "read",
      `List the account's recent ${v.App} ${v.post}s with engagement.`,
      page(`${v.post}s`),
    ),
    t(
      `search_${v.post}s`,
      "read",
      `Search public ${v.App} ${v.post}s.`,
      ["query", "string", "Search.", true],
      page(`${v.post}s`),
    ),
    t("get_profile", "read", `Get a ${v.App} profile.`, ["handle", "string", "Handle or id.", true]),
    t(
      "send_direct_message",
      "write",
      `Send a ${v.App} direct message.`,
      ["recipient", "string", "Who.", true],
      ["text", "string", "Text.", true],
    ),
    t("list_followers", "read", `List followers of the ${v.App} account.`, page("followers")),
    t(
      "get_analytics",
      "read",
      `Get ${v.App} reach and engagement for a period.`,
      ["from_date", "string", "From.", true],
      ["to_date", "string", "To.", true],
    ),
  ];
}

export interface SignVocabulary {
  App: string;
}
export function signTools(v: SignVocabulary): ToolTemplate[] {
  return [
    t(
      "send_envelope",
      "write",
      `Send a document for e-signature with ${v.App}.`,
      ["document_base64", "string", "PDF.", true],
      ["signers", "object", "Names and emails in order.", true],
      ["subject", "string", "Email subject."],
    ),
    t(
      "list_envelopes",
      "read",
      `List ${v.App} envelopes by status (sent, completed, declined).`,
      ["status", "string", "Status."],
      ["from_date", "string", "From."],
    ),
    t("get_envelope_status", "read", `Get who has signed a ${v.App} envelope.`, [
      "envelope_id",
      "string",
      "Envelope.",
      true,
    ]),
    t("download_signed_document", "read", `Download the completed PDF of a ${v.App} envelope.`, [
      "envelope_id",
      "string",
      "Envelope.",
      true,
    ]),
    t(
      "void_envelope",
      "delete",
      `Void an in-flight ${v.App} envelope.`,
      ["envelope_id", "string", "Envelope.", true],
      ["reason", "string", "Reason.", true],
    ),
    t("list_templates", "read", `List ${v.App} document templates.`),
    t("send_reminder", "write", `Remind signers of a ${v.App} envelope.`, ["envelope_id", "string", "Envelope.", true]),
  ];
}
