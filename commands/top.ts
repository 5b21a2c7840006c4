import { defineCommand } from "../src/core/command/model.js";
import type { HostPart, Invocation } from "../src/core/command/model.js";
import { onTarget } from "../src/core/fleet/aggregate.js";
import { countField, hostsLabel, isCount, isText, readPart, readParts } from "../src/core/fleet/parts.js";
import { rankedBarsChart } from "../src/core/charts/ranked-bars.js";
import { asLabel, countryLabel, plural } from "../src/core/history/describe.js";
import { checkJailFilter, type JailFilterDeps } from "../src/core/history/jail-filter.js";
import { classifyAddress } from "../src/core/ip-ranges.js";
import type { Action, Reply } from "../src/core/reply.js";
import type { Clock } from "../src/core/services.js";
import { formatDuration, formatTime } from "../src/core/time-format.js";
import type { BanFilter, HistoryQueries, TopKey, TopRow } from "../src/core/ports/history-queries.js";

const LIMIT = 10;
const DEFAULT_SINCE = 30 * 86_400_000;
const KEYS = { ips: "ip", countries: "country", jails: "jail", asns: "asn" } as const satisfies Record<string, TopKey>;

// Addresses without a country looked at to label special ranges; past this, the rest stays "unknown".
const UNPLACED_CAP = 10_000;
// Over several hosts each sends its top this many: what ranks first in the sum is nearly always in
// them, and when it may not be, the reply says by how much it could be missed.
const ROWS_PER_HOST = 200;
const PART_COLUMNS = ["key", "label", "bans", "last"];

/** A ranked row; `label` names what has no key (a special range). */
type Ranked = TopRow & { label?: string };

type TopCtx = { history: Pick<HistoryQueries, "top" | "bans" | "asOrg" | "count" | "unplaced">; fail2ban: JailFilterDeps["fail2ban"]; clock: Clock } & Invocation;

export const top = defineCommand({
  path: ["top"],
  summary: "The most banned addresses, countries, jails or networks, as a table and a chart",
  examples: ["top countries", "top ips 7d", "top asns 90d sshd", "top jails 24h"],
  options: [
    { name: "what", kind: "enum", values: ["ips", "countries", "jails", "asns"], required: true, description: "what to rank" },
    { name: "since", kind: "duration", description: "this far back; default 30d" },
    { name: "jail", kind: "jail", description: "only this jail", autocomplete: "jails" },
    { name: "rows", kind: "int", min: 1, max: 1_000, keyword: "rows", internal: true, description: "a fleet host's part: this many rows as raw counts, no chart" },
  ],
  role: "viewer",
  effect: "read",
  async run({ what, since = DEFAULT_SINCE, jail, rows: partRows }, { history, fail2ban, clock }: TopCtx): Promise<Reply> {
    await checkJailFilter(jail, { fail2ban, history });
    const filter: BanFilter = { since: clock.now() - since, jail };
    const window = windowOf(since, jail);
    const total = history.bans(filter);
    if (partRows !== undefined) return part(what, history, filter, total, partRows);
    if (total === 0) return { title: `No bans in the ${window}`, tone: "info" };
    const rows: Ranked[] = what === "countries" ? countryRows(history, filter, LIMIT) : history.top(KEYS[what], filter, LIMIT);
    const label = labeller(what, history);
    const labels = rows.map(label);
    const share = (r: TopRow) => `${((100 * r.bans) / total).toFixed(1)}%`;
    const subtitle = `${window} · ${plural(total, "ban")}`;
    return {
      title: `Top ${what}, ${window}`,
      tone: "info",
      table: {
        columns: what === "ips" ? ["#", "address", "country", "bans", "last banned"] : ["#", singular(what), "bans", "share", "last banned"],
        rows: rows.map((r, i) =>
          what === "ips"
            ? [i + 1, r.key ?? "", r.country ? countryLabel(r.country) : rangeLabel(r.key), r.bans, formatTime(r.lastAt)]
            : [i + 1, labels[i]!, r.bans, share(r), formatTime(r.lastAt)],
        ),
        align: ["right", "left", what === "ips" ? "left" : "right", "right", "left"],
        rowActions: rows.map((r) => rowAction(what, r)),
        // Buttons are named after the address, jail or country, not the rank.
        subjectColumn: 1,
      },
      images: [
        rankedBarsChart({
          title: `Top ${what} by bans`,
          subtitle,
          rows: rows.map((r, i) => ({ label: labels[i]!, value: r.bans })),
          name: `top-${what}.png`,
          valueLabel: "bans",
          alt: `Bar chart of the ${rows.length} ${what} with the most bans, ${window}: ${rows.map((r, i) => `${labels[i]} ${r.bans}`).join(", ")}`,
        }),
      ],
      ...(what === "asns" ? unknownNetworksNote(rows, total) : {}),
    };
  },
  acrossHosts: {
    ask: (values) => ({ ...values, rows: ROWS_PER_HOST }),
    merge: ({ what, since = DEFAULT_SINCE, jail }, parts) => mergeTop(what, windowOf(since, jail), parts),
  },
});

function windowOf(since: number, jail: string | undefined): string {
  return `last ${formatDuration(since)}${jail ? ` in ${jail}` : ""}`;
}

/** A host's part over a fleet: its total and its top `n` as raw counts (the label says what a row is). */
function part(what: keyof typeof KEYS, history: TopCtx["history"], filter: BanFilter, total: number, n: number): Reply {
  const rows: Ranked[] = total === 0 ? [] : what === "countries" ? countryRows(history, filter, n) : history.top(KEYS[what], filter, n);
  const label = what === "ips" ? (r: Ranked) => (r.country ? countryLabel(r.country) : rangeLabel(r.key)) : labeller(what, history);
  return {
    title: `Top ${what}: a host's part`,
    tone: "info",
    fields: [
      { label: "bans", value: String(total) },
      { label: "rows", value: String(n) },
    ],
    table: { columns: PART_COLUMNS, rows: rows.map((r) => [r.key ?? "", label(r), r.bans, r.lastAt]) },
  };
}

interface PartRow {
  key: string;
  label: string;
  bans: number;
  lastAt: number;
}

function readTopPart(reply: Reply): { total: number; rows: PartRow[]; asked: number } | undefined {
  const read = readPart(reply, PART_COLUMNS, ([key, label, bans, lastAt]) => (isText(key) && isText(label) && isCount(bans) && isCount(lastAt) ? { key, label, bans, lastAt } : undefined));
  const total = read && countField(read.fields, "bans");
  const asked = read && countField(read.fields, "rows");
  return read && total !== undefined && asked ? { total, rows: read.rows, asked } : undefined;
}

/**
 * The hosts' tops summed. A host that sent a full top may have what it did not list, at most as
 * many times as its last row: a sum that may miss such bans is shown as "≥", and a note says how
 * much something no host listed could have in all.
 */
function mergeTop(what: keyof typeof KEYS, window: string, parts: readonly HostPart[]): { reply: Reply; unread: string[] } {
  const { read, unread } = readParts(parts, readTopPart);
  const total = read.reduce((n, { part }) => n + part.total, 0);
  const hosts = read.length;
  if (total === 0) return { reply: { title: `No bans in the ${window} on ${plural(hosts, "host")}`, tone: "info" }, unread };
  // A host whose list is full may have more below it: each of those at most its last row's count.
  const cut = read.filter(({ part }) => part.rows.length >= part.asked).map(({ host, part }) => ({ host, below: part.rows.at(-1)!.bans }));
  const sums = new Map<string, PartRow & { hosts: string[]; unknownUpTo: number }>();
  for (const { host, part } of read) {
    for (const row of part.rows) {
      const id = row.key !== "" ? row.key : `~${row.label}`;
      const sum = sums.get(id) ?? { ...row, bans: 0, lastAt: 0, hosts: [], unknownUpTo: 0 };
      sum.bans += row.bans;
      sum.lastAt = Math.max(sum.lastAt, row.lastAt);
      sum.hosts.push(host);
      sums.set(id, sum);
    }
  }
  for (const sum of sums.values()) sum.unknownUpTo = cut.filter((c) => !sum.hosts.includes(c.host)).reduce((n, c) => n + c.below, 0);
  const ranked = [...sums.values()].sort((a, b) => b.bans - a.bans || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0)).slice(0, LIMIT);
  const unlisted = cut.reduce((n, c) => n + c.below, 0);
  const count = (r: (typeof ranked)[number]) => (r.unknownUpTo > 0 ? `≥ ${r.bans.toLocaleString("en")}` : r.bans);
  const share = (r: PartRow) => `${((100 * r.bans) / total).toFixed(1)}%`;
  const aimed = (r: (typeof ranked)[number]) => {
    const action = r.key === "" ? undefined : rowAction(what, { key: r.key, bans: r.bans, lastAt: r.lastAt });
    return action && { ...action, command: onTarget(action.command, r.hosts.join(",")) };
  };
  const notes: string[] = [];
  if (ranked.some((r) => r.unknownUpTo > 0)) {
    notes.push(`≥: at least this many. Each host sent its top ${ROWS_PER_HOST}; a host that did not list a row may have a few bans of it below its list.`);
  }
  if (unlisted > 0 && (ranked.length < LIMIT || ranked.at(-1)!.bans < unlisted)) {
    notes.push(`Something in no host's top ${ROWS_PER_HOST} could have up to ${plural(unlisted, "ban")} in all, and be missing here.`);
  }
  if (what === "asns" && ranked.some((r) => r.key === "")) notes.push(...(unknownNetworksNote([{ key: undefined, bans: ranked.find((r) => r.key === "")!.bans, lastAt: 0 }], total).notes ?? []));
  const title = `Top ${what}, ${window} on ${plural(hosts, "host")}`;
  return {
    unread,
    reply: {
      title,
      tone: "info",
      table: {
        columns: what === "ips" ? ["#", "address", "country", "bans", "hosts", "last banned"] : ["#", singular(what), "bans", "share", "hosts", "last banned"],
        rows: ranked.map((r, i) =>
          what === "ips"
            ? [i + 1, r.key, r.label, count(r), hostsLabel(r.hosts, hosts), formatTime(r.lastAt)]
            : [i + 1, r.label, count(r), share(r), hostsLabel(r.hosts, hosts), formatTime(r.lastAt)],
        ),
        align: ["right", "left", what === "ips" ? "left" : "right", "right", "left", "left"],
        rowActions: ranked.map(aimed),
        subjectColumn: 1,
      },
      images: [
        rankedBarsChart({
          title: `Top ${what} by bans, ${plural(hosts, "host")}`,
          subtitle: `${window} · ${plural(total, "ban")}`,
          rows: ranked.map((r) => ({ label: what === "ips" ? r.key : r.label, value: r.bans })),
          name: `top-${what}.png`,
          valueLabel: "bans",
          alt: `Bar chart of the ${ranked.length} ${what} with the most bans on ${plural(hosts, "host")}, ${window}: ${ranked.map((r) => `${what === "ips" ? r.key : r.label} ${r.bans}`).join(", ")}`,
        }),
      ],
      fields: [{ label: "Bans", value: `${total.toLocaleString("en")} (${read.map(({ host, part }) => `${host} ${part.total.toLocaleString("en")}`).join(", ")})` }],
      ...(notes.length > 0 ? { notes } : {}),
    },
  };
}

/** Says plainly how many bans no database named an AS for, and where AS numbers come from. */
function unknownNetworksNote(rows: readonly Ranked[], total: number): Pick<Reply, "notes"> {
  const unknown = rows.find((r) => r.key === undefined);
  if (!unknown) return {};
  const of = unknown.bans < total ? `${unknown.bans} of ${plural(total, "ban")}` : total === 1 ? "the ban" : `all ${plural(total, "ban")}`;
  return {
    notes: [
      `unknown: no geo database named an AS for the addresses of ${of} when they were banned. AS numbers come from a GeoLite2-ASN file or the built-in ASN table (geo.builtin_asn; docs/geo.md).`,
    ],
  };
}

/**
 * Countries, with the bans of no country split the way `ip` labels them ("private network",
 * "documentation range"): geo never looks special ranges up, so the archive has no country for them.
 */
function countryRows(history: Pick<HistoryQueries, "top" | "unplaced">, filter: BanFilter, limit: number): Ranked[] {
  // One more than shown: if the row of no country is among them, `limit` known ones are still there.
  const rows: Ranked[] = history.top("country", filter, limit + 1);
  const unknown = rows.find((r) => r.key === undefined);
  if (!unknown) return rows.slice(0, limit);
  const ranges = new Map<string, Ranked>();
  const unplaced = history.unplaced(filter, UNPLACED_CAP);
  let left = unknown.bans;
  // The latest ban of what stays unknown, when every unplaced address was looked at.
  let leftLast = unplaced.length < UNPLACED_CAP ? 0 : unknown.lastAt;
  for (const { ip, bans, lastAt } of unplaced) {
    const found = classifyAddress(ip);
    if (found?.kind !== "special") {
      leftLast = Math.max(leftLast, lastAt);
      continue;
    }
    const row = ranges.get(found.label) ?? { key: undefined, label: found.label, bans: 0, lastAt: 0 };
    row.bans += bans;
    row.lastAt = Math.max(row.lastAt, lastAt);
    ranges.set(found.label, row);
    left -= bans;
  }
  const placed = [...rows.filter((r) => r !== unknown), ...ranges.values(), ...(left > 0 ? [{ ...unknown, bans: left, lastAt: leftLast || unknown.lastAt }] : [])];
  // Ties as the store ranks them: by name, unknown last.
  const unknownLast = (r: Ranked) => Number(r.key === undefined && r.label === undefined);
  const name = (r: Ranked) => r.label ?? r.key ?? "";
  placed.sort((a, b) => b.bans - a.bans || unknownLast(a) - unknownLast(b) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
  return placed.slice(0, limit);
}

/** What `ip` calls an address of no country: its special range, or unknown. */
function rangeLabel(ip: string | undefined): string {
  const found = ip === undefined ? undefined : classifyAddress(ip);
  return found?.kind === "special" ? found.label : "unknown";
}

function labeller(what: keyof typeof KEYS, history: Pick<HistoryQueries, "asOrg">): (r: Ranked) => string {
  if (what === "countries") return (r) => r.label ?? countryLabel(r.key);
  if (what === "asns") return (r) => asLabel(r.key, r.key === undefined ? undefined : history.asOrg(Number(r.key)));
  return (r) => r.key ?? "unknown";
}

function rowAction(what: keyof typeof KEYS, r: TopRow): Action | undefined {
  if (r.key === undefined) return undefined;
  if (what === "ips") return { label: "History", command: `history ${r.key}` };
  if (what === "jails") return { label: "Stats", command: `stats --jail=${r.key}` };
  return undefined;
}

function singular(what: "countries" | "jails" | "asns"): string {
  return { countries: "country", jails: "jail", asns: "network" }[what];
}
