import { readFileSync } from "node:fs";
import { z } from "zod";
import { userError } from "../errors.ts";
import { describeZodIssue } from "../zod-issue.ts";

const stdioServer = z
  .object({
    type: z.literal("stdio").optional(),
    command: z.string().min(1),
    args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
    cwd: z.string().optional(),
  })
  .strict();

const httpServer = z
  .object({
    type: z.enum(["http", "streamable-http", "streamableHttp"]).optional(),
    url: z.url({ protocol: /^https?$/ }),
    headers: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export const mcpServerSchema = z.union([stdioServer, httpServer]);

/** The common `{"mcpServers": {...}}` file that Claude Desktop, Cursor and others use. */
export const mcpConfigSchema = z
  .object({
    mcpServers: z.record(z.string(), mcpServerSchema),
  })
  .strict();

export type StdioServerConfig = z.infer<typeof stdioServer>;
export type HttpServerConfig = z.infer<typeof httpServer>;
export type McpServerConfig = z.infer<typeof mcpServerSchema>;
export type McpConfig = z.infer<typeof mcpConfigSchema>;

export function isStdioServer(config: McpServerConfig): config is StdioServerConfig {
  return "command" in config;
}

/** Parses an mcp.json text; any problem is one user error naming the file, the field and the fix. */
export function parseMcpConfig(text: string, source = "mcp.json"): McpConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw userError("CONFIG_INVALID", `${source}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = mcpConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const hint =
      issue?.code === "invalid_union"
        ? 'each server needs either "command" (+ "args", "env") for stdio or "url" (+ "headers") for streamable HTTP'
        : undefined;
    throw userError("CONFIG_INVALID", `${source}: ${describeZodIssue(issue, json)}${hint ? ` — ${hint}` : ""}`);
  }
  const badName = Object.keys(parsed.data.mcpServers).find((name) => !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name));
  if (badName !== undefined) {
    throw userError(
      "CONFIG_INVALID",
      `${source}: server name "${badName}" — use letters, digits, _ . - (it becomes the app id in tool ids)`,
    );
  }
  return parsed.data;
}

export function loadMcpConfig(path: string): McpConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw userError(
      "CONFIG_INVALID",
      `${path}: cannot read the MCP config (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  return parseMcpConfig(text, path);
}
