import type { Field } from "../reply.js";
import type { HistoryQueries } from "../ports/history-queries.js";
import { formatRelative, formatTime } from "../time-format.js";
import { asLabel, countryLabel, plural } from "./describe.js";

/**
 * The ban-history part of `ip <ip>`: first and last ban, bans per jail, and the latest log lines
 * that got it banned. One field when the archive has never seen the address.
 */
export function historySection(history: Pick<HistoryQueries, "ipSummary">, ip: string, now: number): Field[] {
  const s = history.ipSummary(ip);
  if (s.bans === 0) {
    return [{ label: "History", value: s.unbans > 0 ? `no bans archived, ${plural(s.unbans, "unban")}` : "never banned, as far as the archive goes" }];
  }
  const fields: Field[] = [
    { label: "First banned", value: `${formatTime(s.first!)} (${formatRelative(s.first!, now)})` },
    { label: "Last banned", value: `${formatTime(s.last!)} (${formatRelative(s.last!, now)})` },
    { label: "Bans per jail", value: s.perJail.map((j) => `${j.jail}: ${j.bans.toLocaleString("en")}`).join(", ") },
  ];
  if (s.country || s.asn !== undefined) {
    const where = [s.country ? countryLabel(s.country) : undefined, s.asn !== undefined ? asLabel(s.asn, s.asOrg) : undefined];
    fields.push({ label: "Seen from", value: where.filter(Boolean).join(", ") });
  }
  if (s.recentMatches.length > 0) {
    const latest = s.recentMatches[0]!;
    fields.push({ label: `Log lines (${latest.jail}, ${formatTime(latest.at)})`, value: latest.matches });
  }
  return fields;
}
