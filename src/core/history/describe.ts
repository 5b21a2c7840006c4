import { countryName } from "../geo/country.js";
import { formatDuration } from "../time-format.js";
import type { ArchivedEvent } from "./event.js";

// How archived events read in replies: short words people use, not column values.

/** "CN China", or the code alone when it is not a known region; "unknown" without one. */
export function countryLabel(code: string | undefined): string {
  if (!code) return "unknown";
  const name = countryName(code.toUpperCase());
  return name ? `${code} ${name}` : code;
}

/** "AS4134 Chinanet", "AS4134", or "unknown". */
export function asLabel(asn: string | number | undefined, org: string | undefined): string {
  if (asn === undefined) return "unknown";
  return org ? `AS${asn} ${org}` : `AS${asn}`;
}

/**
 * Why it happened, e.g. "filter, 5 failures", "expired", "BanBot (slack:U01)", "blocklist spamhaus",
 * "BanBot's timed-ban-expiry job (slack:U01)".
 */
export function originLabel(event: Pick<ArchivedEvent, "kind" | "origin" | "actor" | "failures">): string {
  const by = event.actor ? ` (${event.actor})` : "";
  if (event.origin === "fail2ban") {
    if (event.kind === "unban") return "expired";
    return event.failures ? `filter, ${event.failures} failure${event.failures === 1 ? "" : "s"}` : "filter";
  }
  if (event.origin === "external") return "by hand, outside BanBot";
  if (event.origin === "manual") return `BanBot${by}`;
  if (event.origin.startsWith("job:")) return `BanBot's ${event.origin.slice(4)} job${by}`;
  return `${event.origin.replace(/^blocklist:/, "blocklist ")}${by}`;
}

/** "1h", "permanent", "1h (ban #3)", or "" when unknown. */
export function banLengthLabel(event: Pick<ArchivedEvent, "banSeconds" | "banCount">): string {
  const length = event.banSeconds === undefined ? "" : event.banSeconds < 0 ? "permanent" : formatDuration(event.banSeconds * 1000);
  const count = event.banCount !== undefined && event.banCount > 1 ? `ban #${event.banCount}` : "";
  return length && count ? `${length} (${count})` : length || count;
}

/** "1 ban", "1,024 bans", "2 addresses". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
}
