import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { DemoGate } from "../gate.ts";
import { GraphError, graphResult } from "../graph.ts";
import { parseFilter, selectFields } from "./odata.ts";
import { attachmentContent, type Mailbox } from "./mailbox.ts";

const GRAPH = "https://graph.microsoft.com/v1.0";
const READ_ONLY = { readOnlyHint: true, openWorldHint: true } as const;

const listMessagesInput = {
  $top: z.number().int().min(1).max(1000).optional().describe("Page size, 1-1000. Default 10."),
  $skip: z.number().int().min(0).optional().describe("Messages to skip (paging)."),
  $filter: z
    .string()
    .optional()
    .describe(
      'OData filter, e.g. "receivedDateTime ge 2026-11-10T00:00:00Z and hasAttachments eq true". Dates are unquoted ISO 8601.',
    ),
  $select: z
    .string()
    .optional()
    .describe('Comma-separated properties to return, e.g. "subject,from,receivedDateTime".'),
  $orderby: z
    .enum(["receivedDateTime desc", "receivedDateTime asc"])
    .optional()
    .describe("Default: receivedDateTime desc."),
  nextLink: z.string().optional().describe("The @odata.nextLink of a previous page, to get the next page."),
};

/**
 * Builds the `outlook` MCP server over a mailbox; `gate` adds latency, limits, faults and counters.
 * `drift: "sender"` renames each message's `from` to `sender`, as an API version change would.
 */
export function createOutlookServer(
  mailbox: Mailbox,
  gate: DemoGate,
  options: { drift?: string | undefined } = {},
): McpServer {
  const server = new McpServer({ name: "outlook", version: "1.0.0" });
  const context = (path: string) => `${GRAPH}/$metadata#users('${encodeURIComponent(mailbox.owner.address)}')/${path}`;
  const findMessage = (id: string) => {
    const message = mailbox.messages.find((m) => m.id === id);
    if (!message) throw new GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
    return message;
  };

  server.registerTool(
    "list_messages",
    {
      title: "List messages",
      description:
        'List messages in the signed-in user\'s Outlook mailbox (Microsoft Graph GET /me/messages), newest first. Returns {"@odata.context", "value": [message], "@odata.nextLink"?}; each message has id, subject, from.emailAddress{name,address}, receivedDateTime, hasAttachments, bodyPreview.',
      inputSchema: listMessagesInput,
      annotations: READ_ONLY,
    },
    (args) =>
      gate.handle("list_messages", () => {
        const query = args.nextLink !== undefined ? fromNextLink(args.nextLink) : args;
        const top = query.$top ?? 10;
        const skip = query.$skip ?? 0;
        let messages = mailbox.messages;
        if (query.$filter !== undefined && query.$filter.trim() !== "")
          messages = messages.filter(parseFilter(query.$filter));
        if (query.$orderby === "receivedDateTime asc") messages = [...messages].reverse();
        const page = messages
          .slice(skip, skip + top)
          .map((m) => drifted(selectFields(m, query.$select), options.drift));
        const body: Record<string, unknown> = { "@odata.context": context("messages"), value: page };
        if (skip + top < messages.length) {
          const next = new URLSearchParams();
          next.set("$top", String(top));
          next.set("$skip", String(skip + top));
          if (query.$filter) next.set("$filter", query.$filter);
          if (query.$select) next.set("$select", query.$select);
          if (query.$orderby) next.set("$orderby", query.$orderby);
          body["@odata.nextLink"] = `${GRAPH}/me/messages?${next.toString()}`;
        }
        return graphResult(body);
      }),
  );

  server.registerTool(
    "get_message",
    {
      title: "Get message",
      description: "Get one Outlook message by id (Microsoft Graph GET /me/messages/{id}).",
      inputSchema: {
        message_id: z.string().describe("The message id from list_messages."),
        $select: z.string().optional().describe("Comma-separated properties to return."),
      },
      annotations: READ_ONLY,
    },
    (args) =>
      gate.handle("get_message", () => {
        const message = findMessage(args.message_id);
        return graphResult({ "@odata.context": context("messages/$entity"), ...selectFields(message, args.$select) });
      }),
  );

  server.registerTool(
    "list_attachments",
    {
      title: "List attachments",
      description:
        "List the attachments of an Outlook message (Microsoft Graph GET /me/messages/{id}/attachments), without their content. Each has id, name, contentType, size, isInline.",
      inputSchema: { message_id: z.string().describe("The message id.") },
      annotations: READ_ONLY,
    },
    (args) =>
      gate.handle("list_attachments", () => {
        findMessage(args.message_id);
        return graphResult({
          "@odata.context": context(`messages('${args.message_id}')/attachments`),
          value: mailbox.attachments.get(args.message_id) ?? [],
        });
      }),
  );

  server.registerTool(
    "get_attachment",
    {
      title: "Get attachment",
      description:
        "Download one attachment of an Outlook message (Microsoft Graph GET /me/messages/{id}/attachments/{attachmentId}); contentBytes is base64.",
      inputSchema: {
        message_id: z.string().describe("The message id."),
        attachment_id: z.string().describe("The attachment id from list_attachments."),
      },
      annotations: READ_ONLY,
    },
    (args) =>
      gate.handle("get_attachment", () => {
        findMessage(args.message_id);
        const attachment = (mailbox.attachments.get(args.message_id) ?? []).find((a) => a.id === args.attachment_id);
        if (!attachment) throw new GraphError(404, "ErrorItemNotFound", "The attachment was not found.");
        return graphResult({
          "@odata.context": context(`messages('${args.message_id}')/attachments/$entity`),
          ...attachment,
          contentBytes: attachmentContent(args.message_id, attachment).toString("base64"),
        });
      }),
  );

  return server;
}

function drifted<T extends { from?: unknown }>(message: T, drift: string | undefined): T | Omit<T, "from"> {
  if (drift !== "sender" || message.from === undefined) return message;
  const { from, ...rest } = message;
  return { ...rest, sender: from };
}

function fromNextLink(link: string): {
  $top?: number;
  $skip?: number;
  $filter?: string;
  $select?: string;
  $orderby?: string;
} {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new GraphError(400, "BadRequest", "nextLink must be the @odata.nextLink URL of a previous page");
  }
  const params = url.searchParams;
  const query: { $top?: number; $skip?: number; $filter?: string; $select?: string; $orderby?: string } = {};
  const top = params.get("$top");
  const skip = params.get("$skip");
  if (top !== null) query.$top = Number(top);
  if (skip !== null) query.$skip = Number(skip);
  for (const key of ["$filter", "$select", "$orderby"] as const) {
    const value = params.get(key);
    if (value !== null) query[key] = value;
  }
  return query;
}
