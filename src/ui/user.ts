import { z } from "zod";

/**
 * A person on a chat platform. Ids are only unique within their platform, so every comparison and
 * every role in the config uses the qualified key `platform:id` (`slack:U123`, `teams:<aadObjectId>`,
 * `console:alice`).
 */
export const userSchema = z.object({
  platform: z.string(),
  id: z.string(),
  /** How to show them when the platform cannot render a mention. */
  name: z.string().optional(),
});

export type User = z.infer<typeof userSchema>;

export const userKey = (user: User): string => `${user.platform}:${user.id}`;

export const sameUser = (a: User, b: User): boolean => a.platform === b.platform && a.id === b.id;

/** `slack:U123` → {platform: "slack", id: "U123"}; undefined when there is no `platform:` part. */
export function parseUserKey(key: string): User | undefined {
  const colon = key.indexOf(":");
  if (colon <= 0 || colon === key.length - 1) return undefined;
  return { platform: key.slice(0, colon), id: key.slice(colon + 1) };
}

/** The plain name of a user, for logs and text fallbacks. */
export const displayName = (user: User): string => user.name ?? user.id;

/**
 * A person named in a command typed on `platform`: a mention as adapters pass it on (`<@U123>`,
 * `<@U123|name>`), or a full key of that platform (`slack:U123`). Someone of another platform is never
 * matched: ids are only unique within one.
 */
export function mentionedUser(token: string, platform: string): User | undefined {
  const mention = /^<@([^|>\s]+)(?:\|([^>]*))?>$/.exec(token);
  if (mention) return { platform, id: mention[1] as string, ...(mention[2] ? { name: mention[2] } : {}) };
  const key = parseUserKey(token);
  return key?.platform === platform ? key : undefined;
}
