interface Params {
  days: number;
  internalDomain: string;
  root: string;
  useMemory: boolean;
}
interface Item {
  key: string;
  company: string;
  from: string;
  subject: string;
  received: string;
}

const WANTED = /\.(pdf|xlsx)$/i;

function companyOf(address: string): string {
  const domain = address.split("@")[1] ?? "unknown";
  const label = domain.split(".")[0] ?? domain;
  return label
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join(" ");
}

/** Messages with attachments in the window, from outside the company, newest first (all pages). */
export async function items(params: Params, ctx: any): Promise<Item[]> {
  const since = new Date(Date.now() - params.days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const found: Item[] = [];
  let page = await ctx.tools.outlook__list_messages({
    $top: 100,
    $filter: `receivedDateTime ge ${since} and hasAttachments eq true`,
    $select: "id,from,subject,receivedDateTime",
  });
  for (;;) {
    for (const message of page.value) {
      const address = message.from.emailAddress.address.toLowerCase();
      if (address.endsWith("@" + params.internalDomain)) continue;
      found.push({
        key: message.id,
        company: companyOf(address),
        from: address,
        subject: message.subject,
        received: message.receivedDateTime,
      });
    }
    if (!page["@odata.nextLink"]) break;
    page = await ctx.tools.outlook__list_messages({ nextLink: page["@odata.nextLink"] });
  }
  return found;
}

async function ensureFolder(ctx: any, parent: string, name: string): Promise<void> {
  try {
    await ctx.tools.onedrive__create_folder({ parent_path: parent, name });
  } catch (error: any) {
    // Another item (or an earlier run) made it first: exactly what we want.
    if (!String(error.message).includes("nameAlreadyExists")) throw error;
  }
}

/** "<date> <6 characters of the message id> <name>": two messages with a same-named attachment never overwrite each other. */
function fileName(item: Item, attachment: string): string {
  const tag = item.key.replace(/[^A-Za-z0-9]/g, "").slice(-9, -3);
  return item.received.slice(0, 10) + " " + tag + " " + attachment;
}

/** One message: its PDF/XLSX attachments into <root>/<Company>/. */
export async function run(item: Item, params: Params, ctx: any): Promise<{ uploaded: string[] }> {
  if (params.useMemory && (await ctx.memory.has(item.key))) return { uploaded: [] };
  const attachments = await ctx.tools.outlook__list_attachments({ message_id: item.key });
  const wanted = attachments.value.filter((a: any) => WANTED.test(a.name) && !a.isInline);
  const uploaded: string[] = [];
  if (wanted.length > 0) {
    await ensureFolder(ctx, "/", params.root);
    await ensureFolder(ctx, "/" + params.root, item.company);
    for (const attachment of wanted) {
      const file = await ctx.tools.outlook__get_attachment({ message_id: item.key, attachment_id: attachment.id });
      await ctx.tools.onedrive__upload_file({
        parent_path: "/" + params.root + "/" + item.company,
        name: fileName(item, attachment.name),
        content_base64: file.contentBytes,
        conflictBehavior: "replace",
      });
      uploaded.push(attachment.name);
    }
  }
  if (params.useMemory) await ctx.memory.add(item.key);
  ctx.log(`${item.company}: ${uploaded.length} file(s) from "${item.subject}"`);
  return { uploaded };
}
