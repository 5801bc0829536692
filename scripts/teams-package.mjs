#!/usr/bin/env node
// `npm run teams:package`: manifest/teams (manifest.json with the bot's MicrosoftAppId, and the two
// icons) zipped into .codemem/teams/codemem-teams.zip, the package Teams sideloads. No dependencies.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { crc32 } from "node:zlib";

const root = fileURLToPath(new URL("..", import.meta.url));
const appId = process.env.MicrosoftAppId ?? process.argv[2];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
if (appId === undefined || !GUID.test(appId)) {
  process.stderr.write(
    "teams:package: set MicrosoftAppId to your Azure Bot's Microsoft App ID (a GUID), e.g. MicrosoftAppId=… npm run teams:package\n",
  );
  process.exit(2);
}
const out = process.env.TEAMS_PACKAGE ?? join(root, ".codemem", "teams", "codemem-teams.zip");
const manifest = readFileSync(join(root, "manifest", "teams", "manifest.json"), "utf8").replaceAll(
  "{{MicrosoftAppId}}",
  appId,
);
const files = [
  ["manifest.json", Buffer.from(manifest)],
  ["color.png", readFileSync(join(root, "manifest", "teams", "color.png"))],
  ["outline.png", readFileSync(join(root, "manifest", "teams", "outline.png"))],
];

/** A zip with stored (uncompressed) entries at its root, which is all a Teams package needs. */
function zip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, zip(files));
process.stdout.write(`${out}\n`);
