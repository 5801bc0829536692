import { seededRandom } from "../knobs.ts";

/** Microsoft Graph message fields the demo mailbox carries. */
export interface GraphMessage {
  id: string;
  createdDateTime: string;
  receivedDateTime: string;
  subject: string;
  bodyPreview: string;
  importance: "low" | "normal" | "high";
  isRead: boolean;
  hasAttachments: boolean;
  conversationId: string;
  webLink: string;
  from: { emailAddress: { name: string; address: string } };
  toRecipients: { emailAddress: { name: string; address: string } }[];
}

export interface GraphAttachment {
  "@odata.type": "#microsoft.graph.fileAttachment";
  id: string;
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  lastModifiedDateTime: string;
}

export interface Mailbox {
  /** Newest first, as Graph orders by default. */
  messages: GraphMessage[];
  attachments: Map<string, GraphAttachment[]>;
  owner: { name: string; address: string };
  internalDomain: string;
}

export interface MailboxOptions {
  size: number;
  seed: number;
  /** Newest message is just before this instant; older ones spread over `spanDays`. */
  now: Date;
  /** Default: 60. */
  spanDays?: number;
}

export const INTERNAL_DOMAIN = "agentr.dev";

const COMPANIES: readonly { name: string; domain: string }[] = [
  { name: "Contoso", domain: "contoso.com" },
  { name: "Fabrikam", domain: "fabrikam.com" },
  { name: "Northwind Traders", domain: "northwindtraders.com" },
  { name: "Adventure Works", domain: "adventure-works.com" },
  { name: "Litware", domain: "litwareinc.com" },
  { name: "Tailspin Toys", domain: "tailspintoys.com" },
  { name: "Woodgrove Bank", domain: "woodgrovebank.com" },
  { name: "Proseware", domain: "proseware.com" },
  { name: "Fourth Coffee", domain: "fourthcoffee.com" },
  { name: "Alpine Ski House", domain: "alpineskihouse.com" },
  { name: "Coho Winery", domain: "cohowinery.com" },
  { name: "Wide World Importers", domain: "wideworldimporters.com" },
];
const FIRST = [
  "Ana",
  "Ben",
  "Chloe",
  "Dev",
  "Elena",
  "Farid",
  "Grace",
  "Hiro",
  "Ines",
  "Jonas",
  "Kemi",
  "Luca",
  "Maya",
  "Noah",
  "Olga",
  "Priya",
];
const LAST = [
  "Silva",
  "Okafor",
  "Martin",
  "Kowalski",
  "Nguyen",
  "Haddad",
  "Larsen",
  "Tanaka",
  "Moreau",
  "Schmidt",
  "Patel",
  "Rossi",
];
const TOPICS = [
  {
    subject: "Invoice {n} for {month}",
    preview: "Please find attached our invoice {n}. Payment terms are 30 days.",
    files: ["Invoice_{n}.pdf"],
  },
  {
    subject: "Q{q} figures",
    preview: "Attached are the quarterly figures we discussed on the call.",
    files: ["Q{q}_figures.xlsx"],
  },
  {
    subject: "Signed contract {n}",
    preview: "Here is the countersigned contract, plus the annex.",
    files: ["Contract_{n}.pdf", "Annex_{n}.docx"],
  },
  {
    subject: "Purchase order PO-{n}",
    preview: "Our purchase order and the price list are attached.",
    files: ["PO-{n}.pdf", "PriceList_{month}.xlsx"],
  },
  {
    subject: "Site photos",
    preview: "Photos from the site visit this morning.",
    files: ["site_{n}.png", "site_{n}b.jpg"],
  },
  {
    subject: "Meeting notes {month}",
    preview: "Notes from today; action items at the end.",
    files: ["notes_{n}.docx"],
  },
  {
    subject: "Re: delivery schedule",
    preview: "Thanks, the new dates work for us. See the updated plan.",
    files: ["delivery_plan_{n}.xlsx"],
  },
  { subject: "Statement {month}", preview: "Your monthly statement is attached.", files: ["Statement_{month}.pdf"] },
  { subject: "Lunch on Friday?", preview: "Are you free on Friday for lunch near the office?", files: [] },
  { subject: "Export {n}", preview: "The raw export you asked for.", files: ["export_{n}.csv", "export_{n}.zip"] },
];
const INTERNAL_TOPICS = [
  {
    subject: "Internal: budget draft {q}",
    preview: "Draft budget for review before Monday.",
    files: ["Budget_Q{q}.xlsx"],
  },
  {
    subject: "Team offsite agenda",
    preview: "Agenda attached, please add your topics.",
    files: ["Offsite_agenda.pdf"],
  },
  { subject: "Standup notes", preview: "Quick notes from standup.", files: [] },
];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MIME: Record<string, string> = {
  pdf: "application/pdf",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  png: "image/png",
  jpg: "image/jpeg",
  csv: "text/csv",
  zip: "application/zip",
};

/** A deterministic mailbox: the same options always give the same messages, ids and attachments. */
export function generateMailbox(options: MailboxOptions): Mailbox {
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const spanMs = (options.spanDays ?? 60) * 86_400_000;
  const owner = { name: "Sam Rivera", address: `sam.rivera@${INTERNAL_DOMAIN}` };
  const messages: GraphMessage[] = [];
  const attachments = new Map<string, GraphAttachment[]>();
  const step = spanMs / Math.max(options.size, 1);
  for (let i = 0; i < options.size; i++) {
    const received = new Date(options.now.getTime() - Math.floor(step * i + random() * step * 0.9) - 1000);
    const internal = random() < 0.2;
    const personal = !internal && random() < 0.05;
    const company = internal
      ? { name: "Agentr", domain: INTERNAL_DOMAIN }
      : personal
        ? { name: "", domain: pick(["gmail.com", "outlook.com"]) }
        : pick(COMPANIES);
    const first = pick(FIRST);
    const last = pick(LAST);
    const topic = internal ? pick(INTERNAL_TOPICS) : pick(TOPICS);
    const n = String(1000 + Math.floor(random() * 9000));
    const fill = (text: string) =>
      text
        .replaceAll("{n}", n)
        .replaceAll("{month}", MONTHS[received.getUTCMonth()] as string)
        .replaceAll("{q}", String(Math.floor(received.getUTCMonth() / 3) + 1));
    const id = messageId(options.seed, i);
    const files = topic.files.map(fill);
    const message: GraphMessage = {
      id,
      createdDateTime: received.toISOString().replace(/\.\d{3}Z$/, "Z"),
      receivedDateTime: received.toISOString().replace(/\.\d{3}Z$/, "Z"),
      subject: fill(topic.subject),
      bodyPreview: fill(topic.preview),
      importance: random() < 0.1 ? "high" : "normal",
      isRead: random() < 0.6,
      hasAttachments: files.length > 0,
      conversationId: `AAQkAD${id.slice(6, 22)}`,
      webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
      from: {
        emailAddress: {
          name: `${first} ${last}`,
          address: `${first.toLowerCase()}.${last.toLowerCase()}@${company.domain}`,
        },
      },
      toRecipients: [{ emailAddress: owner }],
    };
    messages.push(message);
    attachments.set(
      id,
      files.map((name, index) => {
        const extension = name.split(".").pop() ?? "";
        return {
          "@odata.type": "#microsoft.graph.fileAttachment" as const,
          id: `${id}-att${index}`,
          name,
          contentType: MIME[extension] ?? "application/octet-stream",
          size: 0,
          isInline: extension === "png" && random() < 0.3,
          lastModifiedDateTime: message.receivedDateTime,
        };
      }),
    );
  }
  for (const [messageKey, list] of attachments) {
    for (const attachment of list) attachment.size = attachmentContent(messageKey, attachment).length;
  }
  return { messages, attachments, owner, internalDomain: INTERNAL_DOMAIN };
}

function messageId(seed: number, index: number): string {
  const hex = (seed * 1_000_003 + index * 7919).toString(16).padStart(12, "0");
  return `AAMkAD${hex}${index.toString(36).padStart(6, "0")}AAA=`;
}

/** Small deterministic file bodies whose first bytes match their type (PDF, ZIP-based Office…). */
export function attachmentContent(messageKey: string, attachment: Pick<GraphAttachment, "id" | "name">): Buffer {
  const extension = attachment.name.split(".").pop() ?? "";
  const body = `${attachment.name} from message ${messageKey} (${attachment.id})\n`;
  switch (extension) {
    case "pdf":
      return Buffer.from(`%PDF-1.4\n% codemem demo\n${body}%%EOF\n`);
    case "xlsx":
    case "docx":
    case "zip":
      return Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(body)]);
    case "png":
      return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(body)]);
    default:
      return Buffer.from(body);
  }
}
