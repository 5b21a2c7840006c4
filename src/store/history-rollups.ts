import type { Database } from "better-sqlite3";
import type { EventRow } from "./history-sql.js";

/** Unix seconds in a UTC day: rollups and the purge both go by whole days. */
export const DAY_S = 86_400;
/** The rollups' stand-in for an unknown AS number (a NULL would never match an upsert). */
export const UNKNOWN_ASN = -1;

/**
 * The aggregates kept beside the events (migrations 0008, 0012 and 0014): bans per day, jail and
 * country; per day, jail and network; per day and jail; and each address's latest ban per jail. Written in the transaction
 * that archives the bans, so they always count exactly the archived events.
 */
export interface HistoryRollups {
  /** Counts newly archived events (unbans are skipped) into every rollup. */
  count(rows: readonly EventRow[]): void;
  /** Drops what counted only events before `cutoff` (Unix seconds, a day boundary). */
  purge(cutoff: number): void;
}

interface DayCount {
  host: string;
  day: number;
  jail: string;
  key: string | number;
  bans: number;
  lastAt: number;
}

export function createHistoryRollups(db: Database): HistoryRollups {
  const upsertDaily = (table: string, column: string) =>
    db.prepare<DayCount>(`INSERT INTO ${table} (host, day, jail, ${column}, bans, last_at) VALUES (@host, @day, @jail, @key, @bans, @lastAt)
      ON CONFLICT (host, day, jail, ${column}) DO UPDATE SET bans = bans + excluded.bans, last_at = max(last_at, excluded.last_at)`);
  const byCountry = upsertDaily("history_daily", "country");
  const byAsn = upsertDaily("history_daily_asn", "asn");
  const byJail = db.prepare<Omit<DayCount, "key">>(`INSERT INTO history_daily_jail (host, day, jail, bans, last_at) VALUES (@host, @day, @jail, @bans, @lastAt)
    ON CONFLICT (host, day, jail) DO UPDATE SET bans = bans + excluded.bans, last_at = max(last_at, excluded.last_at)`);
  const latest = db.prepare<[string, string, string, number]>(`INSERT INTO history_addresses (host, ip, jail, last_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (host, ip, jail) DO UPDATE SET last_at = excluded.last_at WHERE excluded.last_at > last_at`);
  const purgeCountry = db.prepare<[number]>("DELETE FROM history_daily WHERE day < ?");
  const purgeAsn = db.prepare<[number]>("DELETE FROM history_daily_asn WHERE day < ?");
  const purgeJail = db.prepare<[number]>("DELETE FROM history_daily_jail WHERE day < ?");
  const purgeLatest = db.prepare<[number]>("DELETE FROM history_addresses WHERE last_at < ?");

  return {
    count(rows) {
      // Summed first: one upsert per day, jail and key, not one per ban. Keyed by day, then jail and
      // key: a backfill counts 100,000 bans, and a composite string per ban is most of what it allocates.
      const countries = new DayCounts();
      const networks = new DayCounts();
      const jails = new DayCounts();
      for (const row of rows) {
        if (row.kind !== "ban") continue;
        const day = row.at - (row.at % DAY_S);
        countries.add(row, day, row.country ?? "");
        networks.add(row, day, row.asn ?? UNKNOWN_ASN);
        jails.add(row, day, "");
        // The rows come sorted by address, so these upserts walk the table's key in order.
        latest.run(row.host, row.ip, row.jail, row.at);
      }
      for (const count of countries.all()) byCountry.run(count);
      for (const count of networks.all()) byAsn.run(count);
      for (const { key: _, ...count } of jails.all()) byJail.run(count);
    },
    purge(cutoff) {
      purgeCountry.run(cutoff);
      purgeAsn.run(cutoff);
      purgeJail.run(cutoff);
      // An address whose latest ban is before the cutoff has no ban left in the archive.
      purgeLatest.run(cutoff);
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
