import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, type Stats } from "node:fs";
import { mkdir, readdir, rename, stat as fsStat, writeFile } from "node:fs/promises";
import { join, posix } from "node:path";
import { GraphError } from "../graph.ts";
import { recordEvent } from "../knobs.ts";

export type ConflictBehavior = "fail" | "replace" | "rename";

export interface DriveItem {
  id: string;
  name: string;
  size: number;
  createdDateTime: string;
  lastModifiedDateTime: string;
  webUrl: string;
  parentReference: { driveId: string; driveType: "business"; path: string };
  folder?: { childCount: number };
  file?: { mimeType: string };
}

const DRIVE_ID = "b!demo-drive";
const INVALID_NAME = /["*:<>?/\\|]|^\s|\s$|^\.{1,2}$/;
const MIME: Record<string, string> = {
  pdf: "application/pdf",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  csv: "text/csv",
  png: "image/png",
  txt: "text/plain",
};

/**
 * A OneDrive whose items are real files and folders under `<stateDir>/drive`. The file system makes
 * it shared by every server process on the same dir, and mkdir/exclusive create make "already
 * exists" race-free across them, so duplicate writes from several workers are detectable.
 */
export class Drive {
  readonly root: string;
  private uploads = 0;

  constructor(private readonly stateDir: string) {
    this.root = join(stateDir, "drive");
    mkdirSync(this.root, { recursive: true });
  }

  // File system work is asynchronous: a server handles dozens of calls at once, and one call's
  // syscalls must not hold up the others' replies.

  async listChildren(path: string): Promise<DriveItem[]> {
    const folder = this.resolve(path);
    const stat = await this.statOrThrow(folder, path);
    if (!stat.isDirectory()) throw new GraphError(400, "invalidRequest", `${path} is a file, not a folder`);
    const names = (await readdir(folder)).sort();
    return Promise.all(names.map((name) => this.item(posix.join(normalize(path), name))));
  }

  async createFolder(parentPath: string, name: string, conflict: ConflictBehavior): Promise<DriveItem> {
    checkName(name);
    await this.requireFolder(parentPath);
    let target = posix.join(normalize(parentPath), name);
    // mkdir decides races between processes; the stat first spares the usual case (it exists) an exception.
    if ((await this.exists(target)) || !(await makeDirectory(this.resolve(target)))) {
      if (conflict === "fail") {
        recordEvent(this.stateDir, { server: "onedrive", kind: "conflict", tool: "create_folder", detail: target });
        throw new GraphError(
          409,
          "nameAlreadyExists",
          `An item with the name '${name}' already exists in ${normalize(parentPath)}.`,
        );
      }
      if (conflict !== "rename") return this.item(target);
      target = await this.freeName(parentPath, name);
      await mkdir(this.resolve(target));
    }
    recordEvent(this.stateDir, { server: "onedrive", kind: "folder_created", tool: "create_folder", detail: target });
    return this.item(target);
  }

  async uploadFile(parentPath: string, name: string, content: Buffer, conflict: ConflictBehavior): Promise<DriveItem> {
    checkName(name);
    await this.requireFolder(parentPath);
    let target = posix.join(normalize(parentPath), name);
    const existed = await this.exists(target);
    if (existed) {
      if (conflict === "fail") {
        recordEvent(this.stateDir, { server: "onedrive", kind: "conflict", tool: "upload_file", detail: target });
        throw new GraphError(
          409,
          "nameAlreadyExists",
          `A file named '${name}' already exists in ${normalize(parentPath)}.`,
        );
      }
      if (conflict === "rename") target = await this.freeName(parentPath, name);
      recordEvent(this.stateDir, { server: "onedrive", kind: "duplicate_write", tool: "upload_file", detail: target });
    }
    // Write beside, then rename: a reader never sees half a file, even across processes (and calls).
    const temporary = `${this.resolve(target)}.${process.pid}.${++this.uploads}.partial`;
    await writeFile(temporary, content);
    await rename(temporary, this.resolve(target));
    recordEvent(this.stateDir, { server: "onedrive", kind: "file_written", tool: "upload_file", detail: target });
    return this.item(target);
  }

  private async freeName(parentPath: string, name: string): Promise<string> {
    const dot = name.lastIndexOf(".");
    const stem = dot > 0 ? name.slice(0, dot) : name;
    const extension = dot > 0 ? name.slice(dot) : "";
    for (let n = 1; ; n++) {
      const candidate = posix.join(normalize(parentPath), `${stem} ${n}${extension}`);
      if (!(await this.exists(candidate))) return candidate;
    }
  }

  private async item(path: string): Promise<DriveItem> {
    const stat = await fsStat(this.resolve(path));
    const name = posix.basename(path);
    const parent = posix.dirname(path);
    const item: DriveItem = {
      id: itemId(path),
      name,
      size: stat.isDirectory() ? 0 : stat.size,
      createdDateTime: stat.birthtime.toISOString(),
      lastModifiedDateTime: stat.mtime.toISOString(),
      webUrl: `https://contoso-my.sharepoint.com/personal/sam_rivera/Documents${encodeURI(path)}`,
      parentReference: {
        driveId: DRIVE_ID,
        driveType: "business",
        path: `/drive/root:${parent === "/" ? "" : parent}`,
      },
    };
    if (stat.isDirectory()) item.folder = { childCount: (await readdir(this.resolve(path))).length };
    else item.file = { mimeType: MIME[name.split(".").pop()?.toLowerCase() ?? ""] ?? "application/octet-stream" };
    return item;
  }

  private async requireFolder(path: string): Promise<void> {
    const stat = await this.statOrThrow(this.resolve(path), path);
    if (!stat.isDirectory()) throw new GraphError(400, "invalidRequest", `${path} is a file, not a folder`);
  }

  private async statOrThrow(absolute: string, path: string): Promise<Stats> {
    const stat = await statIfAny(absolute);
    if (stat === undefined)
      throw new GraphError(
        404,
        "itemNotFound",
        `The resource '${normalize(path)}' could not be found. Create the folder first.`,
      );
    return stat;
  }

  private async exists(path: string): Promise<boolean> {
    return (await statIfAny(this.resolve(path))) !== undefined;
  }

  /** Maps a drive path into the root: normalizing an absolute path leaves no `..` to climb out with. */
  private resolve(path: string): string {
    return join(this.root, normalize(path));
  }

  readText(path: string): string {
    return readFileSync(this.resolve(path), "utf8");
  }
}

/** mkdir; false when the name is taken. */
async function makeDirectory(absolute: string): Promise<boolean> {
  try {
    await mkdir(absolute);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

async function statIfAny(absolute: string): Promise<Stats | undefined> {
  try {
    return await fsStat(absolute);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function normalize(path: string): string {
  const withSlash = path.startsWith("/") ? path : `/${path}`;
  const clean = posix.normalize(withSlash.replace(/^\/drive\/root:?/, "/") || "/");
  return clean.length > 1 && clean.endsWith("/") ? clean.slice(0, -1) : clean;
}

function checkName(name: string): void {
  if (name.length === 0 || name.length > 255 || INVALID_NAME.test(name)) {
    throw new GraphError(
      400,
      "invalidRequest",
      `The name '${name}' contains characters OneDrive does not allow (" * : < > ? / \\ |) or leading/trailing spaces.`,
    );
  }
}

function itemId(path: string): string {
  return `01DEMO${createHash("sha1").update(path).digest("hex").slice(0, 26).toUpperCase()}`;
}
