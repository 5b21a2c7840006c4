import type { Database } from "better-sqlite3";
import { DAY_S, UNKNOWN_ASN, WEEK_S, weekOf, weeklyAsnThrough } from "./history-rollups.js";
import { defined, seconds, statementCache, type Params } from "./history-sql.js";
import type { BanFilter, HistoryAggregates } from "../core/ports/history-queries.js";

const DAY = DAY_S;
// Far enough in the future to stand for "no end" in SQL comparisons.
const NO_END = 2 ** 50;

/** A daily rollup: its table, its key column, the same key computed from an event, and the unknown key. */
interface Rollup {
  table: string;
  column: string;
  eventKey: string;
  unknown: string;
  /**
   * The same counts per week, where kept, and the end of the weeks it holds for a host: for rankings
   * only, as its rows fall in no day's bucket.
   */
  weekly?: { table: string; through: (host: string) => number | undefined };
}

const BY_COUNTRY: Rollup = { table: "history_daily", column: "country", eventKey: "coalesce(country, '')", unknown: "''" };
const BY_ASN: Omit<Rollup, "weekly"> = { table: "history_daily_asn", column: "asn", eventKey: `coalesce(asn, ${UNKNOWN_ASN})`, unknown: String(UNKNOWN_ASN) };
// Per day and jail only, for counts that need no other key: a few rows a day instead of one per country.
const BY_JAIL: Rollup = { table: "history_daily_jail", column: "''", eventKey: "''", unknown: "''" };

/**
 * Counts over bans in a time window. Whole UTC days come from the daily rollups (a few rows per day
 * and jail); the part days at either end, and what the rollups do not keep (addresses, hours), from
 * the covering index on the events. Distinct addresses come from each address's latest ban.
 */
// Ties are ranked by key, with unknown countries and networks after the known ones.
export function createHistoryAggregates(db: Database, host: string): HistoryAggregates {
  const stmt = statementCache(db);
  const byAsn: Rollup = { ...BY_ASN, weekly: { table: "history_weekly_asn", through: weeklyAsnThrough(db) } };

  // A union of a rollup's whole weeks, its whole days around them and the events of the part days, as
  // rows of (d, jail, key, n, last): d is a week, a day or an event time, key the country or network,
  // n how many bans the row stands for, last the latest of them.
  const windowRows = (filter: BanFilter, params: Params, useRollup: boolean, rollup: Rollup): string => {
    const since = seconds(filter.since);
    const until = filter.until === undefined ? NO_END : seconds(filter.until);
    let fullFrom = Math.ceil(since / DAY) * DAY;
    let fullTo = until === NO_END ? NO_END : Math.floor(until / DAY) * DAY;
    if (!useRollup || fullTo <= fullFrom) fullFrom = fullTo = until;
    // Whole weeks within the whole days, as far as the weekly rollup has them.
    const weekFrom = weekOf(fullFrom + WEEK_S - 1);
    const weekTo = Math.min(fullTo === NO_END ? NO_END : weekOf(fullTo), rollup.weekly?.through(host) ?? 0);
    const weekly = weekFrom < weekTo ? rollup.weekly?.table : undefined;
    Object.assign(params, defined({ host, since, until, fullFrom, fullTo, jail: filter.jail }), weekly ? { weekFrom, weekTo } : {});
    const jail = filter.jail === undefined ? "" : " AND jail = @jail";
    const days = (from: string, to: string) =>
      `SELECT day AS d, jail, ${rollup.column} AS key, bans AS n, last_at AS last FROM ${rollup.table}
       WHERE host = @host AND day >= ${from} AND day < ${to}${jail}`;
    const events = (from: string, to: string) =>
      `SELECT at AS d, jail, ${rollup.eventKey} AS key, 1 AS n, at AS last FROM history_events
       WHERE kind = 'ban' AND host = @host AND at >= ${from} AND at < ${to}${jail}`;
    const whole = weekly
      ? `${days("@fullFrom", "@weekFrom")} UNION ALL SELECT week AS d, jail, ${rollup.column} AS key, bans AS n, last_at AS last FROM ${weekly}
         WHERE host = @host AND week >= @weekFrom AND week < @weekTo${jail} UNION ALL ${days("@weekTo", "@fullTo")}`
      : days("@fullFrom", "@fullTo");
    return `${whole} UNION ALL ${events("@since", "@fullFrom")} UNION ALL ${events("@fullTo", "@until")}`;
  };
  const eventWhere = (filter: BanFilter, params: Params): string => {
    Object.assign(params, defined({ host, since: seconds(filter.since), until: filter.until === undefined ? undefined : seconds(filter.until), jail: filter.jail }));
    return [
      "kind = 'ban' AND host = @host AND at >= @since",
      filter.until === undefined ? "" : " AND at < @until",
      filter.jail === undefined ? "" : " AND jail = @jail",
    ].join("");
  };

  return {
    top(by, filter, limit) {
      const params: Params = { limit };
      let rows: { key: string | number | null; bans: number; lastAt: number; country?: string | null }[];
      if (by === "ip") {
        rows = stmt(`SELECT ip AS key, count(*) AS bans, max(at) AS lastAt, max(country) AS country FROM history_events
          WHERE ${eventWhere(filter, params)} GROUP BY ip ORDER BY bans DESC, key LIMIT @limit`).all(params) as typeof rows;
      } else {
        const rollup = by === "asn" ? byAsn : by === "jail" ? BY_JAIL : BY_COUNTRY;
        const key = by === "jail" ? "jail" : "key";
        rows = stmt(`SELECT ${key} AS key, sum(n) AS bans, max(last) AS lastAt FROM (${windowRows(filter, params, true, rollup)})
          GROUP BY ${key} ORDER BY bans DESC, ${key} = ${rollup.unknown}, ${key} LIMIT @limit`).all(params) as typeof rows;
      }
      return rows.map((r) => ({
        key: r.key === null || r.key === "" || r.key === UNKNOWN_ASN ? undefined : String(r.key),
        bans: r.bans,
        lastAt: r.lastAt * 1000,
        ...(r.country ? { country: r.country } : {}),
      }));
    },
    timeline(filter, { size, offset }) {
      const params: Params = { size, offset };
      const daily = size % DAY === 0 && offset % DAY === 0;
      const rows = stmt(`SELECT CAST((d - @offset) / @size AS INTEGER) * @size + @offset AS bucket, jail, sum(n) AS bans
        FROM (${windowRows(filter, params, daily, BY_JAIL)}) GROUP BY bucket, jail ORDER BY bucket, jail`).all(params) as {
        bucket: number;
        jail: string;
        bans: number;
      }[];
      return rows.map((r) => ({ at: r.bucket * 1000, jail: r.jail, bans: r.bans }));
    },
    bans(filter) {
      const params: Params = {};
      return (stmt(`SELECT coalesce(sum(n), 0) AS n FROM (${windowRows(filter, params, true, BY_JAIL)})`).get(params) as { n: number }).n;
    },
    addresses(filter) {
      const params: Params = {};
      if (filter.until !== undefined) {
        return (stmt(`SELECT count(DISTINCT ip) AS n FROM history_events WHERE ${eventWhere(filter, params)}`).get(params) as { n: number }).n;
      }
      // Banned since `since` exactly when the address's latest ban (in the jail) is.
      const sql =
        filter.jail === undefined
          ? "SELECT count(DISTINCT ip) AS n FROM history_addresses WHERE host = @host AND last_at >= @since"
          : "SELECT count(*) AS n FROM history_addresses WHERE host = @host AND jail = @jail AND last_at >= @since";
      return (stmt(sql).get(defined({ host, jail: filter.jail, since: seconds(filter.since) })) as { n: number }).n;
    },
  };
}
