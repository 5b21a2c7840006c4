import { formatCommandLine } from "../src/core/command/format.js";
import { defineCommand } from "../src/core/command/model.js";
import type { HostPart, Invocation } from "../src/core/command/model.js";
import { UserError } from "../src/core/errors.js";
import { onTarget } from "../src/core/fleet/aggregate.js";
import { countField, isCount, isText, readPart, readParts } from "../src/core/fleet/parts.js";
import { banLengthLabel, originLabel } from "../src/core/history/describe.js";
import { checkJailFilter, type JailFilterDeps } from "../src/core/history/jail-filter.js";
import type { Action, Reply } from "../src/core/reply.js";
import type { Clock } from "../src/core/services.js";
import { formatDuration, formatTime } from "../src/core/time-format.js";
import type { EventFilter, HistoryQueries } from "../src/core/ports/history-queries.js";

const PAGE_SIZE = 15;
// Counting every match of a broad filter on a large archive is slow and says little: stop here.
const COUNT_CAP = 10_000;

type HistoryCtx = { history: Pick<HistoryQueries, "events" | "count">; fail2ban: JailFilterDeps["fail2ban"]; clock: Clock; host: string } & Invocation;

// A merged listing over several hosts pages with a cursor per host: `web1:812,db1:97` (each host's
// last event shown so far; a host not named starts from its newest), `-` for the first page. Prev
// carries the cursors its page started from (`back`): the page before is the events at and above them.
const CURSORS = /^(?:-|[A-Za-z0-9_.-]+:\d+(?:,[A-Za-z0-9_.-]+:\d+)*)$/;
const PART_COLUMNS = ["id", "at", "kind", "ip", "jail", "ban", "why"];

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
    { name: "from", kind: "text", keyword: "from", internal: true, description: "a fleet host's part of a merged listing: each host's cursor (Next button)" },
    { name: "back", kind: "text", keyword: "back", internal: true, description: "a fleet host's part of a merged listing, going back: each host's cursor (Prev button)" },
    { name: "page", kind: "int", min: 1, keyword: "page", internal: true, description: "the merged listing's page number (Next and Prev buttons)" },
  ],
  role: "viewer",
  effect: "read",
  async run({ ip, since, jail, after, before, from, back }, ctx: HistoryCtx): Promise<Reply> {
    const { history: archive, clock } = ctx;
    await checkJailFilter(jail, { fail2ban: ctx.fail2ban, history: archive });
    const filter: EventFilter = { ip, jail, since: since === undefined ? undefined : clock.now() - since };
    if (from !== undefined || back !== undefined) {
      // One more than a page: the front learns whether this host has more after what it shows. Going
      // back, the events from this host's cursor up (none if it has none: nothing of it was shown).
      const up = back === undefined ? undefined : cursors(back).get(ctx.host);
      const rows =
        back === undefined
          ? archive.events(filter, { limit: PAGE_SIZE + 1, after: cursors(from!).get(ctx.host) })
          : up === undefined
            ? []
            : archive.events(filter, { limit: PAGE_SIZE + 1, before: up, andCursor: true });
      return {
        title: "Ban history: a host's part",
        tone: "info",
        fields: [{ label: "total", value: String(archive.count(filter, COUNT_CAP)) }],
        table: { columns: PART_COLUMNS, rows: rows.map((e) => [e.id, e.at, e.kind, e.ip, e.jail, e.kind === "ban" ? banLengthLabel(e) : "", originLabel(e)]) },
      };
    }
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
  acrossHosts: {
    ask: (values) => (values.back === undefined ? { ...values, from: values.from ?? "-" } : values),
    merge: mergeHistory,
  },
});

function cursors(text: string): Map<string, number> {
  if (!CURSORS.test(text)) throw new UserError("invalid_argument", "That page link is damaged: run the history command again.");
  return new Map(text === "-" ? [] : text.split(",").map((entry) => [entry.slice(0, entry.lastIndexOf(":")), Number(entry.slice(entry.lastIndexOf(":") + 1))]));
}

interface PartEvent {
  id: number;
  at: number;
  kind: string;
  ip: string;
  jail: string;
  ban: string;
  why: string;
}

function readHistoryPart(reply: Reply): { total: number; events: PartEvent[] } | undefined {
  const read = readPart(reply, PART_COLUMNS, ([id, at, kind, ip, jail, ban, why]) =>
    isCount(id) && isCount(at) && isText(kind) && isText(ip) && isText(jail) && isText(ban) && isText(why) ? { id, at, kind, ip, jail, ban, why } : undefined,
  );
  const total = read && countField(read.fields, "total");
  return read && total !== undefined ? { total, events: read.rows } : undefined;
}

/**
 * One listing of every host's events, newest first: each page takes the newest of what the hosts
 * sent (each host's events in its own order), and Next carries each host's cursor past what was
 * shown. Prev carries the cursors this page started from: the hosts send what is at and above them,
 * and the page before is the oldest of that.
 */
function mergeHistory(values: { ip?: string; since?: number; jail?: string; from?: string; back?: string; page?: number }, parts: readonly HostPart[]): { reply: Reply; unread: string[] } {
  const { ip, since, jail, page = 1 } = values;
  const { read, unread } = readParts(parts, readHistoryPart);
  const hosts = read.map((r) => r.host);
  const what = `${describeFilter(ip, jail, since)} on ${hosts.length === 1 ? hosts[0] : `${hosts.length} hosts`}`;
  const total = read.reduce((n, r) => n + r.part.total, 0);
  if (total === 0) return { reply: { title: `No ban history${what}`, tone: "info" }, unread };
  const going = values.back === undefined ? "down" : "up";
  // Each host's events in the order they are taken: newest first going down, oldest first going up.
  const queues = new Map(read.map(({ host, part }) => [host, going === "down" ? part.events : [...part.events].reverse()]));
  const taken = new Map(hosts.map((h) => [h, 0]));
  const shown: { host: string; event: PartEvent }[] = [];
  while (shown.length < PAGE_SIZE) {
    let pick: { host: string; event: PartEvent } | undefined;
    for (const host of hosts) {
      const event = queues.get(host)![taken.get(host)!];
      // Ties go to the first host going down, so going up they go to the last: the same pages both ways.
      if (event && (!pick || (going === "down" ? event.at > pick.event.at : event.at <= pick.event.at))) pick = { host, event };
    }
    if (!pick) break;
    shown.push(pick);
    taken.set(pick.host, taken.get(pick.host)! + 1);
  }
  if (going === "up") shown.reverse();
  if (shown.length === 0) return { reply: { title: `Ban history${what}: that page is past the end`, tone: "info" }, unread };
  const target = hosts.join(",");
  const line = (edge: { from?: string; back?: string; page?: number }) => onTarget(formatCommandLine(history, { ip, since, jail, ...edge }), target);
  const text = (cursor: ReadonlyMap<string, number>) => [...cursor].map(([h, id]) => `${h}:${id}`).join(",");
  // Where this page started (each host's last event above it) and where the next one starts.
  let started: Map<string, number>;
  let nextFrom: string | undefined;
  if (going === "down") {
    started = values.from === undefined ? new Map<string, number>() : cursors(values.from);
    const cursor = new Map(started);
    for (const { host, event } of shown) cursor.set(host, event.id);
    nextFrom = read.some(({ host, part }) => part.events.length > taken.get(host)!) ? text(cursor) : undefined;
  } else {
    started = new Map(hosts.flatMap((h) => {
      const above = queues.get(h)![taken.get(h)!];
      return above ? [[h, above.id] as const] : [];
    }));
    nextFrom = values.back;
  }
  const actions: Action[] = [
    ...(page > 2 ? [{ label: "Newest", command: line({}) }] : []),
    ...(page > 1 && started.size > 0 ? [{ label: "Prev", command: page === 2 ? line({}) : line({ back: text(started), page: page - 1 }) }] : []),
    ...(nextFrom !== undefined ? [{ label: "Next", command: line({ from: nextFrom, page: page + 1 }) }] : []),
  ];
  const capped = read.some((r) => r.part.total >= COUNT_CAP);
  return {
    unread,
    reply: {
      title: `Ban history${what}`,
      tone: "info",
      table: {
        columns: ip ? ["when", "host", "event", "jail", "ban", "why"] : ["when", "host", "event", "address", "jail", "ban", "why"],
        rows: shown.map(({ host, event: e }) => (ip ? [formatTime(e.at), host, e.kind, e.jail, e.ban, e.why] : [formatTime(e.at), host, e.kind, e.ip, e.jail, e.ban, e.why])),
        rowActions: ip ? undefined : shown.map(({ host, event }) => ({ label: "History", command: onTarget(`history ${event.ip}`, host) })),
        subjectColumn: ip ? undefined : 3,
      },
      notes: [
        `Page ${page} of ${Math.max(page, Math.ceil(total / PAGE_SIZE))} · ${capped ? "at least " : ""}${total.toLocaleString("en")} in all (${read.map((r) => `${r.host} ${r.part.total.toLocaleString("en")}`).join(", ")}).`,
        ...(capped ? [`A host has ${COUNT_CAP.toLocaleString("en")} or more events that match: narrow it with an address, a jail or a time like 24h.`] : []),
      ],
      ...(actions.length > 0 ? { actions } : {}),
    },
  };
}

function describeFilter(ip: string | undefined, jail: string | undefined, since: number | undefined): string {
  return `${ip ? ` of ${ip}` : ""}${jail ? ` in ${jail}` : ""}${since !== undefined ? `, last ${formatDuration(since)}` : ""}`;
}
