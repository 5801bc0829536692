import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { afterAll, describe, expect, it } from "vitest";
import { tempStateDir } from "../helpers/demo.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const APP_ID = "6f1c2a9e-1b2c-4d3e-8f90-123456789abc";

/** The entries of a zip, read from its central directory (stored or deflated). */
function unzip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    files.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLength + extra;
  }
  return files;
}

/** The manifest fields the checks read. */
interface TeamsManifest {
  $schema: string;
  manifestVersion: string;
  id: string;
  version: string;
  name: { short: string; full: string };
  description: { short: string; full: string };
  accentColor: string;
  developer: Record<string, string>;
  bots: { botId: string; scopes: string[]; commandLists: { commands: { title: string; description: string }[] }[] }[];
}

/** Microsoft's own JSON schema for a manifest version, as published in @microsoft/app-manifest. */
function teamsSchema(version: string): object {
  const path = join(ROOT, "node_modules", "@microsoft", "app-manifest", "build", "json-schemas", "teams");
  return JSON.parse(readFileSync(join(path, `v${version}`, "MicrosoftTeams.schema.json"), "utf8")) as object;
}

/** The schema's errors for a manifest, as "path message" lines (empty when it is valid). */
function schemaErrors(manifest: unknown, version: string): string[] {
  // The schemas are draft-04; both packages are CommonJS with the class or plugin on `default`.
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const valid = ajv.validate(teamsSchema(version), manifest);
  return valid
    ? []
    : (ajv.errors ?? []).map((e: { instancePath: string; message?: string }) => `${e.instancePath} ${e.message ?? ""}`);
}

const pngSize = (png: Buffer) => ({
  signature: png.subarray(1, 4).toString(),
  width: png.readUInt32BE(16),
  height: png.readUInt32BE(20),
});

describe("npm run teams:package", () => {
  const work = tempStateDir("codemem-teams-package-");
  afterAll(() => work.cleanup());

  it("should zip a sideloadable package whose manifest follows the Teams schema's rules", () => {
    const out = join(work.dir, "codemem-teams.zip");
    const run = spawnSync(process.execPath, [join(ROOT, "scripts", "teams-package.mjs")], {
      env: { ...process.env, MicrosoftAppId: APP_ID, TEAMS_PACKAGE: out },
    });
    expect(run.status).toBe(0);
    const files = unzip(readFileSync(out));
    expect([...files.keys()].sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
    const manifest = JSON.parse(String(files.get("manifest.json"))) as TeamsManifest;
    expect(manifest.$schema).toContain(`/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`);
    expect(schemaErrors(manifest, manifest.manifestVersion)).toEqual([]);
    expect(manifest.id).toBe(APP_ID);
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.name.short.length).toBeLessThanOrEqual(30);
    expect(manifest.name.full.length).toBeLessThanOrEqual(100);
    expect(manifest.description.short.length).toBeLessThanOrEqual(80);
    expect(manifest.description.full.length).toBeLessThanOrEqual(4000);
    expect(manifest.accentColor).toMatch(/^#[0-9A-Fa-f]{6}$/);
    for (const url of ["websiteUrl", "privacyUrl", "termsOfUseUrl"])
      expect(manifest.developer[url]).toMatch(/^https:\/\//);
    const bot = manifest.bots[0] as TeamsManifest["bots"][number];
    expect(bot.botId).toBe(APP_ID);
    expect(bot.scopes).toEqual(["personal", "team", "groupChat"]);
    for (const list of bot.commandLists) {
      expect(list.commands.length).toBeLessThanOrEqual(10);
      for (const command of list.commands) {
        expect(command.title.length).toBeLessThanOrEqual(32);
        expect(command.description.length).toBeLessThanOrEqual(128);
      }
    }
    expect(pngSize(files.get("color.png") as Buffer)).toEqual({ signature: "PNG", width: 192, height: 192 });
    expect(pngSize(files.get("outline.png") as Buffer)).toEqual({ signature: "PNG", width: 32, height: 32 });
  });

  it("should be refused by the schema when a rule is broken, so the check above can fail", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "manifest", "teams", "manifest.json"), "utf8"));
    const broken = { ...manifest, id: APP_ID, name: { ...manifest.name, short: "x".repeat(31) }, accentColor: "red" };
    const errors = schemaErrors(broken, manifest.manifestVersion);
    expect(errors.some((e) => e.startsWith("/name/short"))).toBe(true);
    expect(errors.some((e) => e.startsWith("/accentColor"))).toBe(true);
  });

  it("should say in one line what to set when the app id is missing or not a GUID", () => {
    const run = spawnSync(process.execPath, [join(ROOT, "scripts", "teams-package.mjs")], {
      env: { ...process.env, MicrosoftAppId: "my-bot" },
    });
    expect(run.status).toBe(2);
    expect(String(run.stderr).trim().split("\n")).toHaveLength(1);
    expect(String(run.stderr)).toMatch(/set MicrosoftAppId to your Azure Bot's Microsoft App ID \(a GUID\)/);
  });
});
