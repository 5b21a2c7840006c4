import { z } from "zod";
import { CHAT_PLATFORMS, CHAT_PLATFORM_NAMES, type GrantIdField, type RouteChannelField } from "../core/platforms.js";

// The config file's per-platform keys, derived from the platform registry (src/core/platforms.ts):
// a grant's `slack_users`, `discord_roles`…, a route's `slack_channel`… A new platform's keys,
// checks and reference docs come from its registry entry.

const ENTRIES = CHAT_PLATFORM_NAMES.map((name) => CHAT_PLATFORMS[name]);

/** `slackUsers` → `slack_users`. */
export function configKey(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

const idOf = (id: { pattern: string; expected: string }) => z.string().regex(new RegExp(`^(?:${id.pattern})$`), `expected ${id.expected}`);

/** "Slack/Discord", for descriptions that name every platform. */
export const PLATFORM_LABELS = ENTRIES.map((p) => p.label).join("/");

/** A grant's ID lists, in registry order: each platform's users, then its groups. */
export const GRANT_ID_KEYS: readonly { field: GrantIdField; key: string; schema: z.ZodString; about: string }[] = ENTRIES.flatMap((p) => [
  { field: p.users.field, key: configKey(p.users.field), schema: idOf(p.users), about: `${p.users.ids} given this role` },
  { field: p.groups.field, key: configKey(p.groups.field), schema: idOf(p.groups), about: `${p.groups.ids} whose members get this role` },
]);

/** An alert route's channel on each platform. */
export const ROUTE_CHANNEL_KEYS: readonly { field: RouteChannelField; key: string; schema: z.ZodString; about: string }[] = ENTRIES.map((p) => ({
  field: p.channel.field,
  key: configKey(p.channel.field),
  schema: idOf(p.channel),
  about: `${p.channel.ids} to post to`,
}));

/** A channel of any platform, for grants limited to channels. */
export const anyChannel = z
  .string()
  .regex(new RegExp(`^(?:${ENTRIES.map((p) => p.channel.pattern).join("|")})$`), `expected ${ENTRIES.map((p) => p.channel.alternative).join(" or ")}`);
