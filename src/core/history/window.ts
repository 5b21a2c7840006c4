import type { Bucketing } from "../ports/history-queries.js";

const HOUR = 3_600;
const DAY = 86_400;
// 1970-01-05 was a Monday: weekly buckets start on Mondays, 00:00 UTC.
const MONDAY = 4 * DAY;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export interface StatsWindow {
  /** Unix ms: the start of the first bucket, at or before now - span. */
  since: number;
  bucketing: Bucketing;
  unit: "hour" | "day" | "week";
  /** Start of every bucket up to now, Unix ms, oldest first. */
  buckets: number[];
}

/** Hourly buckets up to two days, daily up to 90 days, weekly beyond: 14 to about 90 columns. */
export function statsWindow(now: number, spanMs: number): StatsWindow {
  const unit = spanMs <= 2 * DAY * 1000 ? "hour" : spanMs <= 90 * DAY * 1000 ? "day" : "week";
  const bucketing: Bucketing = unit === "hour" ? { size: HOUR, offset: 0 } : unit === "day" ? { size: DAY, offset: 0 } : { size: 7 * DAY, offset: MONDAY };
  const start = (ms: number): number => {
    const s = Math.floor(ms / 1000);
    return (Math.floor((s - bucketing.offset) / bucketing.size) * bucketing.size + bucketing.offset) * 1000;
  };
  const since = start(now - spanMs);
  const buckets: number[] = [];
  for (let at = since; at <= now; at += bucketing.size * 1000) buckets.push(at);
  return { since, bucketing, unit, buckets };
}

/** A bucket's axis label, in UTC: "14:00" (a new day shows its date), "Nov 21", "w. Nov 17". */
export function bucketLabel(at: number, unit: StatsWindow["unit"]): string {
  const d = new Date(at);
  const date = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
  if (unit === "hour") return d.getUTCHours() === 0 ? date : `${String(d.getUTCHours()).padStart(2, "0")}:00`;
  return unit === "week" ? `w. ${date}` : date;
}
