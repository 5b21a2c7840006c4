import { z } from "zod";
import type { CapturedEvent } from "./event.js";

// One line of BanBot's fail2ban action (docker/fail2ban/action.d/banbot.py), protocol version 1.
// Whoever can write to the socket can feed the archive, so every field is checked and bounded.
// Later additions (jail reports, `stop`) are optional or new events, so an older action still fits.

const jail = z.string().regex(/^[^\s\p{Cc}]{1,100}$/u);
// fail2ban's ticket ID: normally an address, but filters with <F-ID> may use any short token.
const ticketId = z.string().regex(/^[^\s\p{Cc}]{1,255}$/u);
// 2001-09-09 to 2286: catches milliseconds sent as seconds and other nonsense.
const unixSeconds = z.number().int().min(1_000_000_000).max(9_999_999_999);
const moment = z.number().min(1_000_000_000).max(9_999_999_999);

const banOrUnban = z.object({
  v: z.literal(1),
  event: z.enum(["ban", "unban"]),
  jail,
  ip: ticketId,
  time: unixSeconds,
  at: moment,
  bantime: z.number().int().min(-1).max(2 ** 40),
  bancount: z.number().int().min(0).max(1_000_000),
  failures: z.number().int().min(0).max(1_000_000_000),
  matches: z.array(z.string().max(4000)).max(50),
  restored: z.boolean().optional(),
  prolong: z.boolean().optional(),
  /** An unban because the jail stopped (or fail2ban shut down), not because the ban ended. */
  stop: z.boolean().optional(),
});

const hello = z.object({
  v: z.literal(1),
  event: z.literal("hello"),
  jail,
  dropped: z.number().int().min(0),
});

const jailReport = z.object({
  v: z.literal(1),
  event: z.enum(["start", "stop", "reload"]),
  jail,
  at: moment,
});

const ActionLineSchema = z.discriminatedUnion("event", [banOrUnban, hello, jailReport]);

/** The action's jail started (fail2ban start or restart), stopped, or reloaded its configuration. */
export interface JailReport {
  jail: string;
  event: "start" | "stop" | "reload";
  /** Unix milliseconds. */
  at: number;
}

export type ParsedLine =
  | { kind: "event"; event: CapturedEvent; prolong: boolean; stop: boolean }
  | { kind: "hello"; jail: string; dropped: number }
  | { kind: "jail"; report: JailReport }
  | { kind: "invalid"; reason: string };

export function parseActionLine(line: string): ParsedLine {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { kind: "invalid", reason: "not JSON" };
  }
  const parsed = ActionLineSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { kind: "invalid", reason: issue ? `${issue.path.join(".") || "line"}: ${issue.message}` : "invalid" };
  }
  const l = parsed.data;
  if (l.event === "hello") return { kind: "hello", jail: l.jail, dropped: l.dropped };
  if (!("ip" in l)) return { kind: "jail", report: { jail: l.jail, event: l.event, at: Math.round(l.at * 1000) } };
  return {
    kind: "event",
    prolong: l.prolong === true,
    stop: l.stop === true,
    event: {
      jail: l.jail,
      ip: l.ip,
      kind: l.event,
      // A ban is dated by fail2ban's own ban time, as in its database, so both sources agree. That
      // time is rounded, so an unban within the second could seem to come first: it never does.
      at: l.event === "ban" ? l.time * 1000 : Math.max(Math.round(l.at * 1000), l.time * 1000),
      banTime: l.time,
      banSeconds: l.bantime,
      banCount: l.bancount,
      failures: l.failures,
      matches: l.matches,
    },
  };
}
