import type { Database } from "better-sqlite3";
import type { EventRow } from "./history-sql.js";

/** Unix seconds in a UTC day: rollups and the purge both go by whole days. */
export const DAY_S = 86_400;
/** Unix seconds in a week; the weekly rollup's weeks start on Monday 00:00 UTC. */
export const WEEK_S = 7 * DAY_S;
// 1970-01-05, the first Monday of Unix time.
const FIRST_MONDAY_S = 4 * DAY_S;

/** The start of the week (Monday 00:00 UTC) that holds `at` (Unix seconds). */
export function weekOf(at: number): number {
  return at - ((((at - FIRST_MONDAY_S) % WEEK_S) + WEEK_S) % WEEK_S);
}
/** The rollups' stand-in for an unknown AS number (a NULL would never match an upsert). */
export const UNKNOWN_ASN = -1;

/**
 * The aggregates kept beside the events (migrations 0008, 0012, 0014 and 0017): bans per day, jail
 * and country; per day, jail and network; per day and jail; and each address's latest ban per jail,
 * written in the transaction that archives the bans, so they always count exactly the archived
 * events. And bans per week, jail and network, rolled up from the daily rows once a week is over.
 */
export interface HistoryRollups {
  /** Counts newly archived events (unbans are skipped) into every rollup. */
  count(rows: readonly EventRow[]): void;
  /**
   * Drops what counted only events before `cutoff` (Unix seconds, a day boundary), and rolls the
   * weeks over by `now` (Unix seconds) up from their days.
   */
  purge(cutoff: number, now: number): void;
}

/**
 * For a host, the end (Unix seconds) of the weeks the weekly network rollup holds, if any: it holds
 * every week up to its latest, each counting every ban of its days. Later weeks are in the daily rows.
 */
export function weeklyAsnThrough(db: Database): (host: string) => number | undefined {
  const lastWeek = db.prepare<[string], number | null>("SELECT max(week) FROM history_weekly_asn WHERE host = ?").pluck();
  return (host) => {
    const week = lastWeek.get(host);
    return week === null || week === undefined ? undefined : week + WEEK_S;
  };
}

interface DayCount {
  host: string;
  /** The day, or the week in the weekly rollup. */
  day: number;
  jail: string;
  key: string | number;
  bans: number;
  lastAt: number;
}

export function createHistoryRollups(db: Database): HistoryRollups {
  const upsert = (table: string, column: string, period = "day") =>
    db.prepare<DayCount>(`INSERT INTO ${table} (host, ${period}, jail, ${column}, bans, last_at) VALUES (@host, @day, @jail, @key, @bans, @lastAt)
      ON CONFLICT (host, ${period}, jail, ${column}) DO UPDATE SET bans = bans + excluded.bans, last_at = max(last_at, excluded.last_at)`);
  const byCountry = upsert("history_daily", "country");
  const byAsn = upsert("history_daily_asn", "asn");
  const byAsnWeekly = upsert("history_weekly_asn", "asn", "week");
  const byJail = db.prepare<Omit<DayCount, "key">>(`INSERT INTO history_daily_jail (host, day, jail, bans, last_at) VALUES (@host, @day, @jail, @bans, @lastAt)
    ON CONFLICT (host, day, jail) DO UPDATE SET bans = bans + excluded.bans, last_at = max(last_at, excluded.last_at)`);
  const latest = db.prepare<[string, string, string, number]>(`INSERT INTO history_addresses (host, ip, jail, last_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (host, ip, jail) DO UPDATE SET last_at = excluded.last_at WHERE excluded.last_at > last_at`);
  const purgeCountry = db.prepare<[number]>("DELETE FROM history_daily WHERE day < ?");
  const purgeAsn = db.prepare<[number]>("DELETE FROM history_daily_asn WHERE day < ?");
  const purgeJail = db.prepare<[number]>("DELETE FROM history_daily_jail WHERE day < ?");
  // The weekly network rollup grows by the weeks over since its latest, rolled up from their days.
  const through = weeklyAsnThrough(db);
  const weeklyHosts = db.prepare<[], string>("SELECT host FROM history_daily_asn UNION SELECT host FROM history_weekly_asn").pluck();
  const rollWeeks = db.prepare<{ host: string; from: number; to: number }>(`INSERT INTO history_weekly_asn (host, week, jail, asn, bans, last_at)
    SELECT host, day - (day - ${FIRST_MONDAY_S}) % ${WEEK_S} AS week, jail, asn, sum(bans), max(last_at) FROM history_daily_asn
    WHERE host = @host AND day >= @from AND day < @to GROUP BY week, jail, asn`);
  const purgeAsnWeekly = db.prepare<[number]>("DELETE FROM history_weekly_asn WHERE week < ?");
  const dropAsnWeek = db.prepare<[string, number]>("DELETE FROM history_weekly_asn WHERE host = ? AND week = ?");
  const purgeLatest = db.prepare<[number]>("DELETE FROM history_addresses WHERE last_at < ?");

  return {
    count(rows) {
      // Summed first: one upsert per day, jail and key, not one per ban. Keyed by day, then jail and
      // key: a backfill counts 100,000 bans, and a composite string per ban is most of what it allocates.
      const countries = new DayCounts();
      const networks = new DayCounts();
      const jails = new DayCounts();
      // Bans of a week the weekly rollup already holds (a backfill of old rows) are counted there too;
      // the others are rolled up with their week, from the daily rows.
      const networksWeekly = new DayCounts();
      const rolled = new Map<string, number | undefined>();
      const rolledThrough = (host: string) => (rolled.has(host) ? rolled.get(host) : rolled.set(host, through(host)).get(host));
      for (const row of rows) {
        if (row.kind !== "ban") continue;
        const day = row.at - (row.at % DAY_S);
        countries.add(row, day, row.country ?? "");
        networks.add(row, day, row.asn ?? UNKNOWN_ASN);
        if (day < (rolledThrough(row.host) ?? -Infinity)) networksWeekly.add(row, weekOf(day), row.asn ?? UNKNOWN_ASN);
        jails.add(row, day, "");
        // The rows come sorted by address, so these upserts walk the table's key in order.
        latest.run(row.host, row.ip, row.jail, row.at);
      }
      for (const count of countries.all()) byCountry.run(count);
      for (const count of networks.all()) byAsn.run(count);
      for (const count of networksWeekly.all()) byAsnWeekly.run(count);
      for (const { key: _, ...count } of jails.all()) byJail.run(count);
    },
    purge(cutoff, now) {
      purgeCountry.run(cutoff);
      purgeAsn.run(cutoff);
      purgeJail.run(cutoff);
      // An address whose latest ban is before the cutoff has no ban left in the archive.
      purgeLatest.run(cutoff);
      const cut = weekOf(cutoff);
      purgeAsnWeekly.run(cut);
      for (const host of weeklyHosts.all()) {
        const rolledTo = through(host);
        if (rolledTo !== undefined && cut < rolledTo && cut < cutoff) {
          // The week the cutoff cuts into, counted again from its days left.
          dropAsnWeek.run(host, cut);
          rollWeeks.run({ host, from: cut, to: cut + WEEK_S });
        }
        rollWeeks.run({ host, from: rolledTo ?? 0, to: weekOf(now) });
      }
    },
  };
}

// Nested maps by day, host, jail and key rather than one map by a composite string: a backfill
// counts 100,000 bans, and building a key string for each was most of what the rollups allocated.
class DayCounts {
  private readonly byDay = new Map<number, Map<string, Map<string, Map<string | number, DayCount>>>>();

  add(row: EventRow, day: number, key: string | number): void {
    const counts = within(within(within(this.byDay, day), row.host), row.jail);
    const count = counts.get(key);
    if (count) {
      count.bans++;
      count.lastAt = Math.max(count.lastAt, row.at);
    } else counts.set(key, { host: row.host, day, jail: row.jail, key, bans: 1, lastAt: row.at });
  }

  *all(): Iterable<DayCount> {
    for (const hosts of this.byDay.values()) for (const jails of hosts.values()) for (const counts of jails.values()) yield* counts.values();
  }
}

function within<K, V extends Map<unknown, unknown>>(outer: Map<K, V>, key: K): V {
  let inner = outer.get(key);
  if (inner === undefined) outer.set(key, (inner = new Map() as V));
  return inner;
}
