import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { DemoGate } from "../gate.ts";
import { ensureStateDir, readKnobs } from "../knobs.ts";
import { Drive } from "./drive.ts";
import { createOneDriveServer } from "./server.ts";

const knobs = readKnobs(process.env);
ensureStateDir(knobs.stateDir);
const server = createOneDriveServer(new Drive(knobs.stateDir), new DemoGate("onedrive", knobs), knobs.stateDir);
await server.connect(new StdioServerTransport());
