import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The seed paper's running example as a skill, written against the demo servers: archive PDF/XLSX
 * attachments of the last N days of Outlook mail into OneDrive folders per sender company, skipping
 * internal senders. The replay demo proposes exactly this code, which ships in skills/.
 */
export const ARCHIVE_SKILL_CODE = readFileSync(
  fileURLToPath(new URL("../../skills/archive-attachments/scripts/skill.ts", import.meta.url)),
  "utf8",
);

export const ARCHIVE_SKILL_PARAMS = {
  type: "object",
  properties: {
    days: { type: "integer", minimum: 1, maximum: 365, default: 15, description: "How many days of mail to scan." },
    internalDomain: { type: "string", default: "agentr.dev", description: "Senders from this domain are skipped." },
    root: { type: "string", default: "Archive", description: "OneDrive folder that holds one folder per company." },
    useMemory: { type: "boolean", default: true, description: "Skip messages archived by an earlier run." },
  },
  required: ["days"],
} as const;
