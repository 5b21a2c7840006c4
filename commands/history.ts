import { formatCommandLine } from "../src/core/command/format.js";
import { defineCommand } from "../src/core/command/model.js";
import type { Invocation } from "../src/core/command/model.js";
import { banLengthLabel, originLabel } from "../src/core/history/describe.js";
import { checkJailFilter, type JailFilterDeps } from "../src/core/history/jail-filter.js";
import type { Action, Reply } from "../src/core/reply.js";
import type { Clock } from "../src/core/services.js";
import { formatDuration, formatTime } from "../src/core/time-format.js";
import type { EventFilter, HistoryQueries } from "../src/core/ports/history-queries.js";

const PAGE_SIZE = 15;
// Counting every match of a broad filter on a large archive is slow and says little: stop here.
const COUNT_CAP = 10_000;

type HistoryCtx = { history: Pick<HistoryQueries, "events" | "count">; fail2ban: JailFilterDeps["fail2ban"]; clock: Clock } & Invocation;

// `since` comes before `jail` because the parser gives a word to the first empty option that
// accepts it: `7d` is a valid jail name too, so `history 7d` must try the duration first.
export const history = defineCommand({
  path: ["history"],
  summary: "Ban and unban events from BanBot's archive, newest first (it outlives fail2ban's purge)",
  examples: ["history", "history 203.0.113.5", "history 7d sshd", "history 2001:db8::5 30d"],
  options: [
    { name: "ip", kind: "ip", description: "only this address", autocomplete: "banned-ips" },
    { name: "since", kind: "duration", description: "only this far back, e.g. 24h or 30d" },
    { name: "jail", kind: "jail", description: "only this jail", autocomplete: "jails" },
    // Page links name the event at the edge of the page, so the next page starts right after it
    // however many events arrived meanwhile.
    { name: "after", kind: "int", min: 1, keyword: "after", internal: true, description: "continue after this event (Next button)" },
    { name: "before", kind: "int", min: 1, keyword: "before", internal: true, description: "continue before this event (Prev button)" },
  ],
  role: "viewer",
  effect: "read",
  async run({ ip, since, jail, after, before }, ctx: HistoryCtx): Promise<Reply> {
    const { history: archive, clock } = ctx;
    await checkJailFilter(jail, { fail2ban: ctx.fail2ban, history: archive });
    const filter: EventFilter = { ip, jail, since: since === undefined ? undefined : clock.now() - since };
    const rows = archive.events(filter, { limit: PAGE_SIZE, after, before });
    const what = describeFilter(ip, jail, since);
    const total = archive.count(filter, COUNT_CAP);
    if (total === 0) return { title: `No ban history${what}`, tone: "info" };
    // A page link to an event purged meanwhile ends up here too.
    if (rows.length === 0) return { title: `Ban history${what}: that page is past the end`, tone: "info" };

    const newer = archive.count({ ...filter, newerThan: rows[0]!.id }, COUNT_CAP);
    const line = (edge: { after: number } | { before: number }) => formatCommandLine(history, { ip, since, jail, ...edge });
    const prev: Action | undefined = newer > 0 ? { label: "Prev", command: line({ before: rows[0]!.id }) } : undefined;
    const capped = total >= COUNT_CAP;
    const older = rows.length === PAGE_SIZE && (capped || newer + rows.length < total);
    const next: Action | undefined = older ? { label: "Next", command: line({ after: rows.at(-1)!.id }) } : undefined;
    return {
      title: `Ban history${what}`,
      tone: "info",
      table: {
        columns: ip ? ["when", "event", "jail", "ban", "why"] : ["when", "event", "address", "jail", "ban", "why"],
        rows: rows.map((e) => {
          const cells = [formatTime(e.at), e.kind, e.jail, e.kind === "ban" ? banLengthLabel(e) : "", originLabel(e)];
          if (!ip) cells.splice(2, 0, e.ip);
          return cells;
        }),
        rowActions: ip ? undefined : rows.map((e) => ({ label: "History", command: `history ${e.ip}` })),
        subjectColumn: ip ? undefined : 2,
      },
      paging: { page: Math.floor(newer / PAGE_SIZE) + 1, pages: Math.ceil(total / PAGE_SIZE), total, prev, next },
      notes: capped ? [`${COUNT_CAP.toLocaleString("en")} or more events match: narrow it with an address, a jail or a time like 24h.`] : undefined,
    };
  },
});

function describeFilter(ip: string | undefined, jail: string | undefined, since: number | undefined): string {
  return `${ip ? ` of ${ip}` : ""}${jail ? ` in ${jail}` : ""}${since !== undefined ? `, last ${formatDuration(since)}` : ""}`;
}
