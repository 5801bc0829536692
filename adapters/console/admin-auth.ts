import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The admin token as a request presents it: `Authorization: Bearer <token>` (scripts, Prometheus) or
 * HTTP Basic with the token as the password (a browser asks once and resends it with every request).
 */
export function presentedToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? "";
  const bearer = /^Bearer\s+(.+)$/i.exec(header);
  if (bearer !== null) return bearer[1]?.trim();
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (basic === null) return undefined;
  const decoded = Buffer.from(basic[1] as string, "base64").toString("utf8");
  return decoded.slice(decoded.indexOf(":") + 1);
}

/** Compared by their hashes in constant time, so the answer's timing tells nothing about the token. */
export function isAdmin(req: IncomingMessage, token: string | undefined): boolean {
  const presented = presentedToken(req);
  if (token === undefined || presented === undefined) return false;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(presented), digest(token));
}

/** 401 with a Basic challenge: a browser shows its sign-in box; any user name, the token as password. */
export function challenge(res: ServerResponse, why: string): void {
  res
    .writeHead(401, {
      "content-type": "application/json",
      "www-authenticate": 'Basic realm="codemem", charset="UTF-8"',
    })
    .end(JSON.stringify({ error: why }));
}
