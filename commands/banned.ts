import { defineCommand } from "../src/core/command/model.js";
import { UserError } from "../src/core/errors.js";
import type { BanEntry } from "../src/core/fail2ban/parse.js";
import { flagEmoji } from "../src/core/geo/country.js";
import type { GeoResult } from "../src/core/geo/model.js";
import { banEndLabel } from "../src/core/ban-end.js";
import { normalizeIp } from "../src/core/ip.js";
import { liveJobRunner } from "../src/core/job-runner.js";
import type { Action, Table } from "../src/core/reply.js";
import type { Ctx } from "../src/core/services.js";
import { formatTime } from "../src/core/time-format.js";

const PAGE_SIZE = 15;

// Newest end of ban first, permanent bans (no end) before everything: fail2ban's own order
// (`get <jail> banip` lists by end of ban), reversed. A cursor names the row at the page's edge (its
// end in seconds and address) and the row next to it, so the next page starts right after it however
// the list has changed meanwhile: no row is skipped or shown twice because of bans added or lifted in
// between. Only when both rows went is the place found by end of ban, with every row's time.
const endOf = (b: BanEntry) => (b.end ? Math.floor(b.end.getTime() / 1000) : Number.MAX_SAFE_INTEGER);
const compare = (a: BanEntry, b: BanEntry) => endOf(b) - endOf(a) || (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0);
const cursorOf = (edge: BanEntry, neighbour: BanEntry | undefined) => `${endOf(edge)}_${edge.ip}${neighbour ? `_${neighbour.ip}` : ""}`;

function parseCursor(text: string): { mark: BanEntry; neighbour: string | undefined } {
  const m = /^(\d{1,16})_([0-9a-fA-F.:]{2,45})(?:_([0-9a-fA-F.:]{2,45}))?$/.exec(text);
  if (!m) throw new UserError("invalid_argument", "That page link is not valid any more; run `banned <jail>` again.");
  const end = Number(m[1]);
  const mark = { ip: m[2]!, start: undefined, banSeconds: undefined, end: end === Number.MAX_SAFE_INTEGER ? undefined : new Date(end * 1000) };
  return { mark, neighbour: m[3] };
}

// Short enough for a table column: flag and code, or what kind of range it is.
function countryCell(result: GeoResult | undefined): string {
  if (result?.kind === "found" && result.info.countryCode) return `${flagEmoji(result.info.countryCode)} ${result.info.countryCode}`;
  if (result?.kind === "special") return result.label;
  return "?";
}

export const banned = defineCommand({
  path: ["banned"],
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
  async run(
    { jail, page, search: typed, after, before },
    { fail2ban, banIndex, geo, timedBans, jobs, clock }: Ctx<"fail2ban" | "banIndex" | "geo" | "timedBans" | "jobs" | "clock">,
  ) {
    // A whole address is searched in the form fail2ban lists it (`::ffff:192.0.2.1` is 192.0.2.1).
    const search = typed === undefined ? undefined : (normalizeIp(typed) ?? typed.toLowerCase());
    // The jail's list without times, which fail2ban gives cheaply; times only for the rows shown.
    const banned = await fail2ban.bannedIps(jail);
    const all: string[] = [];
    for (let i = banned.length - 1; i >= 0; i--) if (!search || banned[i]!.includes(search)) all.push(banned[i]!);
    const total = all.length;
    // Where a page continues: after the cursor's row (Next), or where the cursor's row is (Prev).
    const locate = async (cursor: string, next: boolean): Promise<number> => {
      const { mark, neighbour } = parseCursor(cursor);
      const at = all.indexOf(mark.ip);
      if (at >= 0) return next ? at + 1 : at;
      // The row went; the one beside it on the page marks its place.
      const near = neighbour === undefined ? -1 : all.indexOf(neighbour);
      if (near >= 0) return near + (next ? 1 : 0);
      const times = await banIndex.load(jail);
      const found = all.findIndex((ip) => {
        const order = compare({ ip, start: undefined, banSeconds: undefined, end: undefined, ...times.get(ip) }, mark);
        return next ? order > 0 : order >= 0;
      });
      return found < 0 ? total : found;
    };
    let start: number;
    if (after) start = await locate(after, true);
    else if (before) start = Math.max(0, (await locate(before, false)) - PAGE_SIZE);
    else start = ((page ?? 1) - 1) * PAGE_SIZE;
    const shown = all.slice(start, start + PAGE_SIZE);
    const times = await banIndex.times(jail, shown, banned);
    const rows: BanEntry[] = shown.map((ip) => ({ ip, ...times.get(ip)! }));
    const what = search ? ` matching "${search}"` : "";
    if (total === 0) return { title: `No banned addresses in ${jail}${what}`, tone: "info" };
    if (rows.length === 0) return { title: `${jail} has ${total} banned addresses${what}; that page is past the end`, tone: "info" };

    const now = clock.now();
    const places = geo.lookupMany(rows.map((b) => b.ip));
    const timed = timedBans.forJail(jail);
    const jobsRun = liveJobRunner(jobs, now) !== undefined;
    const table = bannedTable(jail, rows, { places, timed, jobsRun, now });
    const base = `banned ${jail}${search ? ` ${JSON.stringify(search)}` : ""}`;
    const prev: Action | undefined = start > 0 ? { label: "Prev", command: `${base} before ${cursorOf(rows[0]!, rows[1])}` } : undefined;
    const next: Action | undefined =
      start + rows.length < total ? { label: "Next", command: `${base} after ${cursorOf(rows.at(-1)!, rows.at(-2))}` } : undefined;
    return {
      title: `${total} banned in ${jail}${what}`,
      tone: "info",
      table,
      paging: { page: Math.floor(start / PAGE_SIZE) + 1, pages: Math.ceil(total / PAGE_SIZE), total, prev, next },
    };
  },
});

/** A page's rows as `banned` shows them: where each address is, when it was banned and when that ends. */
export function bannedTable(
  jail: string,
  rows: readonly BanEntry[],
  { places, timed, jobsRun, now }: { places: ReadonlyMap<string, GeoResult>; timed: ReadonlyMap<string, { until: number; f2bUntil?: number }>; jobsRun: boolean; now: number },
): Table {
  return {
    columns: ["address", "country", "banned", "ends"],
    rows: rows.map((b) => [
      b.ip,
      countryCell(places.get(b.ip)),
      b.start ? formatTime(b.start) : "unknown",
      // A timed ban's fail2ban end is where BanBot's last ban of it put it, which fail2ban's
      // own times (the first ban's) do not show.
      banEndLabel({ end: timed.get(b.ip)?.f2bUntil ?? b.end, permanent: b.banSeconds === -1, timedUntil: timed.get(b.ip)?.until, jobsRun, now }),
    ]),
    rowActions: rows.map((b) => ({ label: "Unban", command: `unban ${b.ip} ${jail}` })),
  };
}
