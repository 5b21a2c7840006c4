import type { Database } from "better-sqlite3";
import type { EventRow } from "./history-sql.js";

/** Unix seconds in a UTC day: rollups and the purge both go by whole days. */
export const DAY_S = 86_400;
/** The rollups' stand-in for an unknown AS number (a NULL would never match an upsert). */
export const UNKNOWN_ASN = -1;

/**
 * The aggregates kept beside the events (migrations 0008 and 0010): bans per day, jail and country;
 * per day, jail and network; and each address's latest ban per jail and over all jails. Written in
 * the transaction that archives the bans, so they always count exactly the archived events.
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

interface Latest {
  host: string;
  jail: string;
  ip: string;
  lastAt: number;
}

export function createHistoryRollups(db: Database): HistoryRollups {
  const upsertDaily = (table: string, column: string) =>
    db.prepare<DayCount>(`INSERT INTO ${table} (host, day, jail, ${column}, bans, last_at) VALUES (@host, @day, @jail, @key, @bans, @lastAt)
      ON CONFLICT (host, day, jail, ${column}) DO UPDATE SET bans = bans + excluded.bans, last_at = max(last_at, excluded.last_at)`);
  const byCountry = upsertDaily("history_daily", "country");
  const byAsn = upsertDaily("history_daily_asn", "asn");
  const latest = db.prepare<Latest>(`INSERT INTO history_addresses (host, jail, ip, last_at) VALUES (@host, @jail, @ip, @lastAt)
    ON CONFLICT (host, jail, ip) DO UPDATE SET last_at = excluded.last_at WHERE excluded.last_at > last_at`);
  const purgeCountry = db.prepare<[number]>("DELETE FROM history_daily WHERE day < ?");
  const purgeAsn = db.prepare<[number]>("DELETE FROM history_daily_asn WHERE day < ?");
  const purgeLatest = db.prepare<[number]>("DELETE FROM history_addresses WHERE last_at < ?");

  return {
    count(rows) {
      // Summed first: one upsert per day, jail and key, and per address, not one per ban.
      const countries = new Map<string, DayCount>();
      const networks = new Map<string, DayCount>();
      const addresses = new Map<string, Latest>();
      for (const row of rows) {
        if (row.kind !== "ban") continue;
        const day = row.at - (row.at % DAY_S);
        sum(countries, row, day, row.country ?? "");
        sum(networks, row, day, row.asn ?? UNKNOWN_ASN);
        later(addresses, row, row.jail);
        later(addresses, row, "");
      }
      for (const count of countries.values()) byCountry.run(count);
      for (const count of networks.values()) byAsn.run(count);
      for (const address of addresses.values()) latest.run(address);
    },
    purge(cutoff) {
      purgeCountry.run(cutoff);
      purgeAsn.run(cutoff);
      // An address whose latest ban is before the cutoff has no ban left in the archive.
      purgeLatest.run(cutoff);
    },
  };
}

function sum(counts: Map<string, DayCount>, row: EventRow, day: number, key: string | number): void {
  const id = `${row.host}\n${day}\n${row.jail}\n${key}`;
  const count = counts.get(id);
  if (count) {
    count.bans++;
    count.lastAt = Math.max(count.lastAt, row.at);
  } else counts.set(id, { host: row.host, day, jail: row.jail, key, bans: 1, lastAt: row.at });
}

function later(latest: Map<string, Latest>, row: EventRow, jail: string): void {
  const id = `${row.host}\n${jail}\n${row.ip}`;
  const seen = latest.get(id);
  if (seen) seen.lastAt = Math.max(seen.lastAt, row.at);
  else latest.set(id, { host: row.host, jail, ip: row.ip, lastAt: row.at });
}
