import type { Database } from "better-sqlite3";
import type { GeoInfo } from "../core/geo/model.js";
import { transaction } from "../db/transaction.js";
import type { GeoCacheEntry, GeoCacheStore } from "../core/ports/geo-cache.js";

interface Row {
  ip: string;
  countryCode: string | null;
  countryName: string | null;
  city: string | null;
  asn: number | null;
  org: string | null;
  source: string | null;
  resolvedAt: number | null;
  lastSeen: number;
  attempts: number;
  retryAt: number | null;
}

const SELECT = `SELECT ip, country_code AS countryCode, country_name AS countryName, city, asn, org, source,
  resolved_at AS resolvedAt, last_seen AS lastSeen, attempts, retry_at AS retryAt FROM geo_cache`;

export function createGeoCacheStore(db: Database): GeoCacheStore {
  // json_each takes the whole batch as one parameter: no statement per batch size, no variable limit.
  const getMany = db.prepare<[string], Row>(`${SELECT} WHERE ip IN (SELECT value FROM json_each(?))`);
  // A lookup of one address the database files do not know (every cold miss): a fifth of the cost of the above.
  const getOne = db.prepare<[string], Row>(`${SELECT} WHERE ip = ?`);
  // Bound by position: a first sync writes 100,000 answers, and binding by name cost about a fifth of that.
  const saveAnswer = db.prepare<[string, string | null, string | null, string | null, number | null, string | null, string, number, number]>(`INSERT INTO geo_cache
    (ip, country_code, country_name, city, asn, org, source, resolved_at, last_seen, attempts, retry_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL)
    ON CONFLICT (ip) DO UPDATE SET country_code = excluded.country_code, country_name = excluded.country_name,
      city = excluded.city, asn = excluded.asn, org = excluded.org, source = excluded.source,
      resolved_at = excluded.resolved_at, last_seen = max(last_seen, excluded.last_seen), attempts = 0, retry_at = NULL`);
  const saveNegative = db.prepare<Pick<Row, "ip" | "lastSeen" | "attempts" | "retryAt">>(`INSERT INTO geo_cache
    (ip, last_seen, attempts, retry_at) VALUES (@ip, @lastSeen, @attempts, @retryAt)
    ON CONFLICT (ip) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)`);
  const due = db.prepare<[number, number], Row>(`${SELECT} WHERE retry_at <= ? ORDER BY retry_at, ip LIMIT ?`);
  const postpone = db.prepare<[number, number, string]>(
    "UPDATE geo_cache SET attempts = ?, retry_at = ? WHERE ip = ? AND source IS NULL",
  );
  const purge = db.prepare<[number]>("DELETE FROM geo_cache WHERE last_seen < ?");
  const counts = db.prepare<[], { resolved: number | null; unresolved: number | null }>(
    "SELECT sum(source IS NOT NULL) AS resolved, sum(source IS NULL) AS unresolved FROM geo_cache",
  );

  return {
    getMany(ips) {
      if (ips.length === 0) return new Map();
      if (ips.length === 1) {
        const row = getOne.get(ips[0]!);
        return row === undefined ? new Map() : new Map([[row.ip, fromRow(row)]]);
      }
      return new Map(getMany.all(JSON.stringify(ips)).map((row) => [row.ip, fromRow(row)]));
    },
    saveMany(entries) {
      transaction(db, () => {
        for (const entry of entries) {
          if (entry.info === undefined) {
            saveNegative.run({ ip: entry.ip, lastSeen: entry.lastSeen, attempts: entry.attempts, retryAt: entry.retryAt ?? null });
          } else {
            const { info } = entry;
            saveAnswer.run(entry.ip, info.countryCode ?? null, info.countryName ?? null, info.city ?? null, info.asn ?? null, info.org ?? null, info.source, entry.resolvedAt ?? entry.lastSeen, entry.lastSeen);
          }
        }
      });
    },
    dueForRetry(now, limit) {
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
      return due.all(now, limit).map(fromRow);
    },
    postpone(ip, attempts, retryAt) {
      postpone.run(attempts, retryAt, ip);
    },
    purgeUnseenSince(cutoff) {
      return purge.run(cutoff).changes;
    },
    counts() {
      const row = counts.get();
      return { resolved: row?.resolved ?? 0, unresolved: row?.unresolved ?? 0 };
    },
  };
}

function fromRow(row: Row): GeoCacheEntry {
  const entry: GeoCacheEntry = { ip: row.ip, lastSeen: row.lastSeen, attempts: row.attempts };
  if (row.retryAt !== null) entry.retryAt = row.retryAt;
  if (row.source === null) return entry;
  const info: GeoInfo = { source: row.source };
  if (row.countryCode !== null) info.countryCode = row.countryCode;
  if (row.countryName !== null) info.countryName = row.countryName;
  if (row.city !== null) info.city = row.city;
  if (row.asn !== null) info.asn = row.asn;
  if (row.org !== null) info.org = row.org;
  entry.info = info;
  if (row.resolvedAt !== null) entry.resolvedAt = row.resolvedAt;
  return entry;
}
