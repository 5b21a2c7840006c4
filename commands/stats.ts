import { stackedBarsChart } from "../src/core/charts/stacked-bars.js";
import { defineCommand } from "../src/core/command/model.js";
import type { Invocation } from "../src/core/command/model.js";
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
  ],
  role: "viewer",
  effect: "read",
  async run({ since = DEFAULT_SINCE, jail }, { history, fail2ban, clock }: StatsCtx): Promise<Reply> {
    await checkJailFilter(jail, { fail2ban, history });
    const now = clock.now();
    const win = statsWindow(now, since);
    const span = `last ${formatDuration(since)}${jail ? ` in ${jail}` : ""}`;
    const points = history.timeline({ since: win.since, jail }, win.bucketing);
    if (points.length === 0) return { title: `No bans in the ${span}`, tone: "info" };

    return statsReply({
      span,
      spanMs: since,
      win,
      points,
      bans: history.bans({ since: win.since, jail }),
      before: history.bans({ since: win.since - (now - win.since), until: win.since, jail }),
      addresses: history.addresses({ since: win.since, jail }),
      perJail: !jail,
    });
  },
});

/**
 * The reply from the archive's numbers: `bans` in the window and `before` it (as long again),
 * distinct `addresses`, and the `points` of the timeline.
 */
export function statsReply(input: { span: string; spanMs: number; win: StatsWindow; points: readonly TimelinePoint[]; bans: number; before: number; addresses: number; perJail: boolean }): Reply {
  const { span, spanMs, win, points, bans, before, addresses, perJail } = input;
  const series = stack(points, win.buckets);
  const perBucket = win.buckets.map((_, i) => series.reduce((n, s) => n + s.values[i]!, 0));
  const peak = perBucket.indexOf(Math.max(...perBucket));
  const fields: Field[] = [
    { label: "Bans", value: `${bans.toLocaleString("en")}${change(bans, before, spanMs)}` },
    { label: "Addresses", value: addresses.toLocaleString("en") },
    { label: `Busiest ${win.unit}`, value: `${bucketName(win.buckets[peak]!, win.unit)}: ${plural(perBucket[peak]!, "ban")}` },
  ];
  if (perJail) fields.push({ label: "Per jail", value: series.map((s) => `${s.name} ${s.total.toLocaleString("en")}`).join(", ") });
  return {
    title: `Bans, ${span}`,
    tone: "info",
    fields,
    images: [
      stackedBarsChart({
        title: `Bans per ${win.unit}`,
        subtitle: `${span} · ${plural(bans, "ban")} · UTC`,
        categories: win.buckets.map((at) => bucketLabel(at, win.unit)),
        series,
        name: "bans-over-time.png",
        valueLabel: "bans",
        alt: `Stacked bar chart of bans per ${win.unit}, ${span}, by jail: ${series.map((s) => `${s.name} ${s.total}`).join(", ")}`,
      }),
    ],
  };
}

/** One series per jail, largest first, values aligned with the buckets; the tail summed as "other". */
function stack(points: readonly TimelinePoint[], buckets: readonly number[]): { name: string; values: number[]; total: number }[] {
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
  return [...all.slice(0, MAX_SERIES - 1), { name: `other (${rest.length} jails)`, values: other, total: other.reduce((a, b) => a + b, 0) }];
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
