import { stackedBarsChart } from "../src/core/charts/stacked-bars.js";
import { defineCommand } from "../src/core/command/model.js";
import type { HostPart, Invocation } from "../src/core/command/model.js";
import { countField, isCount, isText, readPart, readParts } from "../src/core/fleet/parts.js";
import { plural } from "../src/core/history/describe.js";
import { checkJailFilter, type JailFilterDeps } from "../src/core/history/jail-filter.js";
import { bucketLabel, statsWindow, type StatsWindow } from "../src/core/history/window.js";
import type { Field, Reply } from "../src/core/reply.js";
import type { Clock } from "../src/core/services.js";
import { formatDuration, formatTime } from "../src/core/time-format.js";
import type { HistoryQueries, TimelinePoint } from "../src/core/ports/history-queries.js";

const DEFAULT_SINCE = 7 * 86_400_000;
// More layers than this are unreadable in a stack: the smallest jails are summed as "other".
const MAX_SERIES = 8;

type StatsCtx = { history: Pick<HistoryQueries, "timeline" | "bans" | "addresses" | "count">; fail2ban: JailFilterDeps["fail2ban"]; clock: Clock } & Invocation;

export const stats = defineCommand({
  path: ["stats"],
  summary: "Bans over time per jail, as a chart and a summary",
  examples: ["stats", "stats 24h", "stats 90d sshd"],
  options: [
    { name: "since", kind: "duration", description: "this far back; default 7d" },
    { name: "jail", kind: "jail", description: "only this jail", autocomplete: "jails" },
    // Every host counts the same buckets: the window is the front's, not each host's clock.
    { name: "at", kind: "int", min: 1, keyword: "at", internal: true, description: "a fleet host's part: the window ending at this time (Unix ms), as raw counts, no chart" },
  ],
  role: "viewer",
  effect: "read",
  async run({ since = DEFAULT_SINCE, jail, at }, { history, fail2ban, clock }: StatsCtx): Promise<Reply> {
    await checkJailFilter(jail, { fail2ban, history });
    const now = at ?? clock.now();
    const win = statsWindow(now, since);
    const span = spanOf(since, jail);
    const points = history.timeline({ since: win.since, jail }, win.bucketing);
    const counts = {
      bans: history.bans({ since: win.since, jail }),
      before: history.bans({ since: win.since - (now - win.since), until: win.since, jail }),
      addresses: history.addresses({ since: win.since, jail }),
    };
    if (at !== undefined) {
      return {
        title: "Bans: a host's part",
        tone: "info",
        fields: Object.entries({ ...counts, at }).map(([label, n]) => ({ label, value: String(n) })),
        table: { columns: PART_COLUMNS, rows: points.map((p) => [p.at, p.jail, p.bans]) },
      };
    }
    if (points.length === 0) return { title: `No bans in the ${span}`, tone: "info" };
    return statsReply({ span, spanMs: since, win, points, ...counts, perJail: !jail });
  },
  acrossHosts: {
    ask: (values, now) => ({ ...values, at: now }),
    merge: ({ since = DEFAULT_SINCE, jail }, parts) => mergeStats(since, jail, parts),
  },
});

const PART_COLUMNS = ["at", "jail", "bans"];

function spanOf(since: number, jail: string | undefined): string {
  return `last ${formatDuration(since)}${jail ? ` in ${jail}` : ""}`;
}

interface StatsPart {
  at: number;
  points: TimelinePoint[];
  bans: number;
  before: number;
  addresses: number;
}

function readStatsPart(reply: Reply): StatsPart | undefined {
  const read = readPart(reply, PART_COLUMNS, ([at, jail, bans]) => (isCount(at) && isText(jail) && isCount(bans) ? { at, jail, bans } : undefined));
  if (!read) return undefined;
  const [bans, before, addresses, at] = ["bans", "before", "addresses", "at"].map((label) => countField(read.fields, label));
  return bans === undefined || before === undefined || addresses === undefined || at === undefined ? undefined : { at, points: read.rows, bans, before, addresses };
}

/**
 * The hosts' numbers summed, their timelines as one chart with a layer per host. Distinct addresses
 * cannot be summed (one address banned on two hosts is one): the reply gives the range it lies in.
 */
function mergeStats(since: number, jail: string | undefined, parts: readonly HostPart[]): { reply: Reply; unread: string[] } {
  const { read, unread } = readParts(parts, readStatsPart);
  const span = `${spanOf(since, jail)} on ${plural(read.length, "host")}`;
  const points = read.flatMap(({ part }) => part.points);
  if (points.length === 0) return { reply: { title: `No bans in the ${span}`, tone: "info" }, unread };
  // Every host counted the front's window (the `at` it was asked with).
  const win = statsWindow(Math.max(...read.map(({ part }) => part.at)), since);
  const sum = (f: (p: StatsPart) => number) => read.reduce((n, { part }) => n + f(part), 0);
  const most = Math.max(...read.map(({ part }) => part.addresses));
  const all = sum((p) => p.addresses);
  return {
    unread,
    reply: statsReply({
      span,
      spanMs: since,
      win,
      points,
      bans: sum((p) => p.bans),
      before: sum((p) => p.before),
      addresses: most === all ? all : `${most.toLocaleString("en")} to ${all.toLocaleString("en")}`,
      perJail: !jail,
      hosts: read.map(({ host, part }) => ({ host, points: part.points })),
    }),
  };
}

/**
 * The reply from the archive's numbers: `bans` in the window and `before` it (as long again),
 * distinct `addresses`, and the `points` of the timeline.
 */
export function statsReply(input: {
  span: string;
  spanMs: number;
  win: StatsWindow;
  points: readonly TimelinePoint[];
  bans: number;
  before: number;
  /** A count, or over several hosts the range it lies in (in words). */
  addresses: number | string;
  perJail: boolean;
  /** Over several hosts, each host's timeline: the chart has a layer per host. */
  hosts?: readonly { host: string; points: readonly TimelinePoint[] }[];
}): Reply {
  const { span, spanMs, win, points, bans, before, addresses, perJail, hosts } = input;
  const jails = stack(points, win.buckets);
  const series = hosts ? stack(hosts.flatMap(({ host, points: own }) => own.map((p) => ({ ...p, jail: host }))), win.buckets, "hosts") : jails;
  const perBucket = win.buckets.map((_, i) => series.reduce((n, s) => n + s.values[i]!, 0));
  const peak = perBucket.indexOf(Math.max(...perBucket));
  const fields: Field[] = [
    { label: "Bans", value: `${bans.toLocaleString("en")}${change(bans, before, spanMs)}` },
    { label: "Addresses", value: typeof addresses === "number" ? addresses.toLocaleString("en") : addresses },
    { label: `Busiest ${win.unit}`, value: `${bucketName(win.buckets[peak]!, win.unit)}: ${plural(perBucket[peak]!, "ban")}` },
  ];
  if (perJail) fields.push({ label: "Per jail", value: jails.map((s) => `${s.name} ${s.total.toLocaleString("en")}`).join(", ") });
  if (hosts) fields.push({ label: "Per host", value: series.map((s) => `${s.name} ${s.total.toLocaleString("en")}`).join(", ") });
  const by = hosts ? "host" : "jail";
  return {
    title: `Bans, ${span}`,
    tone: "info",
    fields,
    ...(typeof addresses === "string" ? { notes: ["Addresses: each host counts its own; one banned on several hosts is counted once per host, so the number lies in this range."] } : {}),
    images: [
      stackedBarsChart({
        title: `Bans per ${win.unit}${hosts ? ", by host" : ""}`,
        subtitle: `${span} · ${plural(bans, "ban")} · UTC`,
        categories: win.buckets.map((at) => bucketLabel(at, win.unit)),
        series,
        name: "bans-over-time.png",
        valueLabel: "bans",
        alt: `Stacked bar chart of bans per ${win.unit}, ${span}, by ${by}: ${series.map((s) => `${s.name} ${s.total}`).join(", ")}`,
      }),
    ],
  };
}

/** One series per jail (or host), largest first, values aligned with the buckets; the tail summed as "other". */
function stack(points: readonly TimelinePoint[], buckets: readonly number[], what = "jails"): { name: string; values: number[]; total: number }[] {
  const index = new Map(buckets.map((at, i) => [at, i]));
  const byJail = new Map<string, number[]>();
  for (const p of points) {
    const values = byJail.get(p.jail) ?? Array.from({ length: buckets.length }, () => 0);
    const i = index.get(p.at);
    if (i !== undefined) values[i]! += p.bans;
    byJail.set(p.jail, values);
  }
  const all = [...byJail].map(([name, values]) => ({ name, values, total: values.reduce((a, b) => a + b, 0) }));
  all.sort((a, b) => b.total - a.total || (a.name < b.name ? -1 : 1));
  if (all.length <= MAX_SERIES) return all;
  const rest = all.slice(MAX_SERIES - 1);
  const other = buckets.map((_, i) => rest.reduce((n, s) => n + s.values[i]!, 0));
  return [...all.slice(0, MAX_SERIES - 1), { name: `other (${rest.length} ${what})`, values: other, total: other.reduce((a, b) => a + b, 0) }];
}

/** "2026-11-22 09:00 UTC", "2026-11-22", "week of 2026-11-16". */
function bucketName(at: number, unit: "hour" | "day" | "week"): string {
  const day = new Date(at).toISOString().slice(0, 10);
  return unit === "hour" ? formatTime(at) : unit === "day" ? day : `week of ${day}`;
}

function change(now: number, before: number, span: number): string {
  if (before === 0) return "";
  const pct = Math.round((100 * (now - before)) / before);
  return ` (${pct >= 0 ? "+" : ""}${pct}% on the ${formatDuration(span)} before)`;
}
