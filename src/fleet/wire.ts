import { z } from "zod";
import { ALERT_KINDS } from "../core/alerts/alert.js";
import { ROLES } from "../core/command/model.js";
import { isJailName } from "../core/fail2ban/validate.js";
import { normalizeIp } from "../core/ip.js";
import type { Reply } from "../core/reply.js";
import { ReplySchema } from "./reply-schema.js";

// Every message between front and agents, checked with zod where it arrives. Unknown fields are
// dropped rather than refused, so a newer front and an older agent still understand each other; a
// change of meaning bumps `v`.

const V = z.literal(1);
/** The most names a host sends for suggestions. */
export const NAMES_MAX = 1_000;
/** Request ids: what the front makes (random), short enough for a primary key. */
const requestId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "expected a request id of 8–64 letters, digits, - and _");

export const CommandRequestSchema = z.object({
  v: V,
  id: requestId,
  line: z.string().min(1),
  actor: z.object({
    platform: z.enum(["console", "slack", "discord"]),
    userId: z.string().min(1).max(200),
    userName: z.string().max(200).optional(),
    channelId: z.string().max(200).optional(),
    groups: z.array(z.string().max(200)).max(1_000),
  }),
  /** The role the front found the actor has: it is the only authority on chat roles. */
  role: z.enum(ROLES),
  /** The actor confirmed at the front; false: an agent only says what would need confirming. */
  confirmed: z.boolean(),
});
export type CommandRequest = z.output<typeof CommandRequestSchema>;

export const ANSWER_OUTCOMES = ["ok", "invalid", "refused", "confirm", "error", "incident", "interrupted"] as const;

export const CommandAnswerSchema = z.object({
  v: V,
  id: requestId,
  /** The dispatcher's outcome; `interrupted`: the agent stopped while running it, the result is unknown. */
  outcome: z.enum(ANSWER_OUTCOMES),
  /** The answer was kept from an earlier delivery of the same request id: nothing ran again. */
  repeated: z.boolean(),
  reply: ReplySchema,
});
export type CommandAnswer = z.output<typeof CommandAnswerSchema>;

export const AlertEventSchema = z.object({
  v: V,
  kind: z.enum([...ALERT_KINDS, "test"]),
  jail: z.string().min(1).optional(),
  incident: z.string().min(1).max(500),
  step: z.enum(["open", "update", "resolve"]),
  seq: z.int().nonnegative().optional(),
  reply: ReplySchema,
});
export type AlertEvent = z.output<typeof AlertEventSchema>;

/**
 * Bans fail2ban's filters made on an agent's host, batched: what the front's "seen across the fleet"
 * watch reads. Address and jail go into the alert's button lines, so they must be one token each.
 */
export const BansEventSchema = z.object({
  v: V,
  bans: z
    .array(
      z.object({
        ip: z.string().max(100).transform((ip, ctx) => normalizeIp(ip) ?? (ctx.addIssue({ code: "custom", message: "expected an IP address" }), z.NEVER)),
        jail: z.string().refine(isJailName, "expected a jail name"),
        at: z.number(),
      }),
    )
    .min(1)
    .max(1_000),
});
export type BansEvent = z.output<typeof BansEventSchema>;

export const HeartbeatSchema = z.object({
  v: V,
  /** When the agent sent it, by its clock (for information: the front goes by its own). */
  at: z.number(),
  startedAt: z.number(),
  /** How often this agent beats: three missed and the front calls it gone. */
  intervalMs: z.int().positive(),
  /** The agent is shutting down on purpose. */
  stopping: z.boolean(),
});
export type Heartbeat = z.output<typeof HeartbeatSchema>;

/**
 * What autocomplete offers, asked of a host: its jails' names, or the addresses banned (in `jail`,
 * else in any jail). Read straight from fail2ban, not run as a command: nothing to audit or keep.
 */
export const NamesRequestSchema = z.object({
  v: V,
  names: z.enum(["jails", "banned-ips"]),
  jail: z.string().refine(isJailName, "expected a jail name").optional(),
});
export type NamesRequest = z.output<typeof NamesRequestSchema>;

/** A host's names: a bounded list (autocomplete shows 25), so an answer stays small. */
export const NamesAnswerSchema = z.object({ v: V, names: z.array(z.string().max(200)).max(NAMES_MAX) });
export type NamesAnswer = z.output<typeof NamesAnswerSchema>;

/** JSON bytes; images (Uint8Array) as base64, undefined in arrays as null (what the schemas expect). */
export function encodeWire(message: CommandRequest | CommandAnswer | NamesRequest | NamesAnswer | AlertEvent | BansEvent | Heartbeat): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(message, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString("base64") : value)));
}

/** The message, or why it is not one: for the log, never for the sender to see. */
export function decodeWire<T>(schema: z.ZodType<T, unknown>, data: Uint8Array): { ok: true; value: T } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return { ok: false, error: "not JSON" };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join(".") || "(message)"}: ${i.message}`).join("; ") };
}

/** A reply in words when the real one cannot cross (too large for the server's messages). */
export function withoutImages(reply: Reply, why: string): Reply {
  if (!reply.images?.length) return reply;
  const { images: _left, ...rest } = reply;
  return { ...rest, notes: [...(reply.notes ?? []), why] };
}
