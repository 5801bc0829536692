import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { DemoGate } from "../gate.ts";
import { GraphError, graphResult } from "../graph.ts";
import { withIdempotency } from "../idempotency.ts";
import type { Drive } from "./drive.ts";

const driveItemSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    size: z.number(),
    createdDateTime: z.string(),
    lastModifiedDateTime: z.string(),
    webUrl: z.string(),
    parentReference: z.object({ driveId: z.string(), driveType: z.string(), path: z.string() }),
    folder: z.object({ childCount: z.number() }).optional(),
    file: z.object({ mimeType: z.string() }).optional(),
  })
  .passthrough();
const conflictBehavior = z.enum(["fail", "replace", "rename"]);

/** Builds the `onedrive` MCP server over a file-backed drive. */
export function createOneDriveServer(drive: Drive, gate: DemoGate, stateDir: string): McpServer {
  const server = new McpServer({ name: "onedrive", version: "1.0.0" });

  server.registerTool(
    "list_children",
    {
      title: "List folder children",
      description:
        'List the files and folders inside a OneDrive folder (Microsoft Graph GET /me/drive/root:/{path}:/children). Returns {"@odata.context", "value": [driveItem]}; folders have `folder.childCount`, files have `file.mimeType`.',
      inputSchema: {
        path: z
          .string()
          .default("/")
          .describe('Folder path from the drive root, e.g. "/Archive/Contoso". Default "/".'),
      },
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    (args) =>
      gate.handle("list_children", async () =>
        graphResult({
          "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('me')/drive/root/children",
          value: await drive.listChildren(args.path),
        }),
      ),
  );

  server.registerTool(
    "create_folder",
    {
      title: "Create folder",
      description:
        'Create a folder inside an existing OneDrive folder (Microsoft Graph POST /children with a folder facet). With conflictBehavior "fail" (default) an existing name fails with 409 nameAlreadyExists; "replace" returns the existing folder; "rename" picks a free name.',
      inputSchema: {
        parent_path: z.string().default("/").describe('Path of the existing parent folder, e.g. "/Archive".'),
        name: z.string().describe('New folder name; may not contain " * : < > ? / \\ |.'),
        conflictBehavior: conflictBehavior.default("fail"),
      },
      outputSchema: driveItemSchema.shape,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    (args, extra) =>
      gate.handle("create_folder", () =>
        withIdempotency(stateDir, "onedrive", "create_folder", extra._meta, async () =>
          graphResult(await drive.createFolder(args.parent_path, args.name, args.conflictBehavior), true),
        ),
      ),
  );

  server.registerTool(
    "upload_file",
    {
      title: "Upload file",
      description:
        'Upload a small file into an existing OneDrive folder (Microsoft Graph PUT /root:/{path}/{name}:/content). conflictBehavior: "replace" (default, overwrites), "fail" (409 nameAlreadyExists) or "rename". Give the content as content_base64 (e.g. an attachment\'s contentBytes) or content_text.',
      inputSchema: {
        parent_path: z.string().describe('Path of the existing folder, e.g. "/Archive/Contoso".'),
        name: z.string().describe('File name, e.g. "Invoice_1234.pdf".'),
        content_base64: z.string().optional().describe("File content, base64-encoded."),
        content_text: z.string().optional().describe("File content as UTF-8 text."),
        conflictBehavior: conflictBehavior.default("replace"),
      },
      outputSchema: driveItemSchema.shape,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    (args, extra) =>
      gate.handle("upload_file", () =>
        withIdempotency(stateDir, "onedrive", "upload_file", extra._meta, async () => {
          if ((args.content_base64 === undefined) === (args.content_text === undefined)) {
            throw new GraphError(400, "invalidRequest", "give exactly one of content_base64 or content_text");
          }
          const content =
            args.content_base64 !== undefined
              ? Buffer.from(args.content_base64, "base64")
              : Buffer.from(args.content_text ?? "", "utf8");
          return graphResult(await drive.uploadFile(args.parent_path, args.name, content, args.conflictBehavior), true);
        }),
      ),
  );

  return server;
}
