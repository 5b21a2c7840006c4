import { defineCommand } from "../src/core/command/model.js";
import { UserError } from "../src/core/errors.js";
import type { BanEntry } from "../src/core/fail2ban/parse.js";
import { flagEmoji } from "../src/core/geo/country.js";
import type { GeoResult } from "../src/core/geo/model.js";
import { banEndLabel } from "../src/core/ban-end.js";
import { normalizeIp } from "../src/core/ip.js";
import { liveJobRunner } from "../src/core/job-runner.js";
import type { Action } from "../src/core/reply.js";
import type { Ctx } from "../src/core/services.js";
import { formatTime } from "../src/core/time-format.js";

const PAGE_SIZE = 15;

// Newest end of ban first; permanent bans (no end) before everything. A cursor names the last row
// shown (end in seconds and address), so the next page starts right after it however the list has
// changed meanwhile: no row is skipped or shown twice because of bans added or lifted in between.
const endOf = (b: BanEntry) => (b.end ? Math.floor(b.end.getTime() / 1000) : Number.MAX_SAFE_INTEGER);
const compare = (a: BanEntry, b: BanEntry) => endOf(b) - endOf(a) || (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0);
const cursorOf = (b: BanEntry) => `${endOf(b)}_${b.ip}`;

function parseCursor(text: string): BanEntry {
  const m = /^(\d{1,16})_([0-9a-fA-F.:]{2,45})$/.exec(text);
  if (!m) throw new UserError("invalid_argument", "That page link is not valid any more; run `banned <jail>` again.");
  const end = Number(m[1]);
  return { ip: m[2]!, start: undefined, banSeconds: undefined, end: end === Number.MAX_SAFE_INTEGER ? undefined : new Date(end * 1000) };
}

// Short enough for a table column: flag and code, or what kind of range it is.
function countryCell(result: GeoResult | undefined): string {
  if (result?.kind === "found" && result.info.countryCode) return `${flagEmoji(result.info.countryCode)} ${result.info.countryCode}`;
  if (result?.kind === "special") return result.label;
  return "?";
}

export const banned = defineCommand({
  name: "banned",
  summary: "Banned addresses of a jail, newest first, with search and paging",
  examples: ["banned sshd", "banned sshd 2", "banned sshd 203.0.113"],
  options: [
    { name: "jail", kind: "jail", required: true, description: "the jail", autocomplete: "jails" },
    { name: "page", kind: "int", min: 1, description: "page number" },
    { name: "search", kind: "text", description: "only addresses containing this text" },
    { name: "after", kind: "text", keyword: "after", internal: true, description: "continue after this row (Next button)" },
    { name: "before", kind: "text", keyword: "before", internal: true, description: "continue before this row (Prev button)" },
  ],
  role: "viewer",
  effect: "read",
  async run({ jail, page, search: typed, after, before }, { fail2ban, geo, timedBans, jobs, clock }: Ctx<"fail2ban" | "geo" | "timedBans" | "jobs" | "clock">) {
    // A whole address is searched in the form fail2ban lists it (`::ffff:192.0.2.1` is 192.0.2.1).
    const search = typed === undefined ? undefined : (normalizeIp(typed) ?? typed.toLowerCase());
    // One socket round trip per page, whatever the size of the jail.
    const all = (await fail2ban.bans(jail)).filter((b) => !search || b.ip.includes(search)).sort(compare);
    const total = all.length;
    let start: number;
    if (after) {
      const mark = parseCursor(after);
      start = all.findIndex((b) => compare(b, mark) > 0);
      if (start < 0) start = total;
    } else if (before) {
      const mark = parseCursor(before);
      const end = all.findIndex((b) => compare(b, mark) >= 0);
      start = Math.max(0, (end < 0 ? total : end) - PAGE_SIZE);
    } else {
      start = ((page ?? 1) - 1) * PAGE_SIZE;
    }
    const rows = all.slice(start, start + PAGE_SIZE);
    const what = search ? ` matching "${search}"` : "";
    if (total === 0) return { title: `No banned addresses in ${jail}${what}`, tone: "info" };
    if (rows.length === 0) return { title: `${jail} has ${total} banned addresses${what}; that page is past the end`, tone: "info" };

    const now = clock.now();
    const places = geo.lookupMany(rows.map((b) => b.ip));
    const timed = timedBans.forJail(jail);
    const jobsRun = liveJobRunner(jobs, now) !== undefined;
    const base = `banned ${jail}${search ? ` ${JSON.stringify(search)}` : ""}`;
    const prev: Action | undefined = start > 0 ? { label: "Prev", command: `${base} before ${cursorOf(rows[0]!)}` } : undefined;
    const next: Action | undefined =
      start + rows.length < total ? { label: "Next", command: `${base} after ${cursorOf(rows[rows.length - 1]!)}` } : undefined;
    return {
      title: `${total} banned in ${jail}${what}`,
      tone: "info",
      table: {
        columns: ["address", "country", "banned", "ends"],
        rows: rows.map((b) => [
          b.ip,
          countryCell(places.get(b.ip)),
          b.start ? formatTime(b.start) : "unknown",
          banEndLabel({ end: b.end, permanent: b.banSeconds === -1, timedUntil: timed.get(b.ip)?.until, jobsRun, now }),
        ]),
        rowActions: rows.map((b) => ({ label: "Unban", command: `unban ${b.ip} ${jail}` })),
      },
      paging: { page: Math.floor(start / PAGE_SIZE) + 1, pages: Math.ceil(total / PAGE_SIZE), total, prev, next },
    };
  },
});
