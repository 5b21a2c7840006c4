import type { Database } from "better-sqlite3";
import type { ArchivedEvent } from "../core/history/event.js";
import { defined, seconds, statementCache, type EventRow, type Params } from "./history-sql.js";
import type { EventFilter, HistoryQueries, IpSummary } from "../core/ports/history-queries.js";

type EventColumns = EventRow & { id: number };

const EVENT_COLUMNS = `id, host, jail, ip, kind, at, ban_time AS banTime, ban_seconds AS banSeconds, ban_count AS banCount,
  failures, origin, actor, matches, country, asn, as_org AS asOrg`;
const RECENT_MATCHES = 3;
// Without statistics SQLite would rather walk the time index than sort, reading every event to find
// one address's few: for an address, its key index is always the right one.
const BY_ADDRESS = "INDEXED BY history_events_key";

/**
 * The newest-first order of a listing, and the columns a cursor compares (row values, so SQLite
 * seeks to the cursor in the index instead of filtering). One address's events follow its key
 * index: by ban, the unban ('unban' > 'ban') above the ban it ends.
 */
function orderOf(filter: EventFilter): { table: string; columns: string; key: string } {
  return filter.ip === undefined
    ? { table: "history_events", columns: "at, id", key: "(at, id)" }
    : { table: `history_events ${BY_ADDRESS}`, columns: "ban_time, kind, id", key: "(ban_time, kind, id)" };
}

/** Listing events (newest first, keyset-paged) and what is known of one address. */
export function createEventQueries(db: Database, host: string): Pick<HistoryQueries, "events" | "count" | "asOrg" | "ipSummary"> {
  const stmt = statementCache(db);
  const where = (filter: EventFilter, params: Params): string[] => {
    Object.assign(params, defined({ host, ip: filter.ip, jail: filter.jail, since: filter.since === undefined ? undefined : seconds(filter.since) }));
    return [
      "host = @host",
      ...(filter.ip === undefined ? [] : ["ip = @ip"]),
      ...(filter.jail === undefined ? [] : ["jail = @jail"]),
      ...(filter.since === undefined ? [] : ["at >= @since"]),
    ];
  };

  return {
    events(filter, { limit, after, before, andCursor = false }) {
      const params: Params = { limit };
      const conditions = where(filter, params);
      const order = orderOf(filter);
      const cursor = after ?? before;
      if (cursor !== undefined) {
        conditions.push(`${order.key} ${after !== undefined ? "<" : ">"}${andCursor ? "=" : ""} (SELECT ${order.columns} FROM history_events WHERE id = @cursor)`);
        params.cursor = cursor;
      }
      const direction = after !== undefined || before === undefined ? "DESC" : "ASC";
      const rows = stmt(`SELECT ${EVENT_COLUMNS} FROM ${order.table} WHERE ${conditions.join(" AND ")}
        ORDER BY ${order.columns.replaceAll(",", ` ${direction},`)} ${direction} LIMIT @limit`).all(params) as EventColumns[];
      const events = rows.map(toEvent);
      return direction === "ASC" ? events.reverse() : events;
    },
    count({ newerThan, ...filter }, cap) {
      const params: Params = { cap };
      const conditions = where(filter, params);
      const order = orderOf(filter);
      if (newerThan !== undefined) {
        conditions.push(`${order.key} > (SELECT ${order.columns} FROM history_events WHERE id = @cursor)`);
        params.cursor = newerThan;
      }
      const sql = `SELECT count(*) AS n FROM (SELECT 1 FROM ${order.table} WHERE ${conditions.join(" AND ")} LIMIT @cap)`;
      return (stmt(sql).get(params) as { n: number }).n;
    },
    asOrg(asn) {
      const row = stmt(`SELECT as_org AS org FROM history_events WHERE host = @host AND asn = @asn AND as_org IS NOT NULL
        ORDER BY at DESC LIMIT 1`).get({ host, asn }) as { org: string } | undefined;
      return row?.org;
    },
    ipSummary(ip) {
      const params = { host, ip };
      const perJail = stmt(`SELECT jail, count(*) AS bans, min(at) AS first, max(at) AS last FROM history_events ${BY_ADDRESS}
        WHERE host = @host AND ip = @ip AND kind = 'ban' GROUP BY jail ORDER BY bans DESC, jail`).all(params) as {
        jail: string;
        bans: number;
        first: number;
        last: number;
      }[];
      const { unbans } = stmt(`SELECT count(*) AS unbans FROM history_events ${BY_ADDRESS} WHERE host = @host AND ip = @ip AND kind = 'unban'`).get(params) as {
        unbans: number;
      };
      const recent = stmt(`SELECT at, jail, matches FROM history_events ${BY_ADDRESS} WHERE host = @host AND ip = @ip AND kind = 'ban'
        AND matches IS NOT NULL ORDER BY ban_time DESC LIMIT ${RECENT_MATCHES}`).all(params) as { at: number; jail: string; matches: string }[];
      const geo = stmt(`SELECT country, asn, as_org AS asOrg FROM history_events ${BY_ADDRESS} WHERE host = @host AND ip = @ip
        AND (country IS NOT NULL OR asn IS NOT NULL) ORDER BY ban_time DESC LIMIT 1`).get(params) as
        | { country: string | null; asn: number | null; asOrg: string | null }
        | undefined;
      return summary(perJail, unbans, recent, geo);
    },
  };
}

function summary(
  perJail: readonly { jail: string; bans: number; first: number; last: number }[],
  unbans: number,
  recent: readonly { at: number; jail: string; matches: string }[],
  geo: { country: string | null; asn: number | null; asOrg: string | null } | undefined,
): IpSummary {
  const bans = perJail.reduce((n, j) => n + j.bans, 0);
  return {
    bans,
    unbans,
    ...(bans > 0 ? { first: Math.min(...perJail.map((j) => j.first)) * 1000, last: Math.max(...perJail.map((j) => j.last)) * 1000 } : {}),
    perJail: perJail.map((j) => ({ jail: j.jail, bans: j.bans, last: j.last * 1000 })),
    recentMatches: recent.map((r) => ({ at: r.at * 1000, jail: r.jail, matches: r.matches })),
    ...(geo?.country ? { country: geo.country } : {}),
    ...(geo?.asn != null ? { asn: geo.asn } : {}),
    ...(geo?.asOrg ? { asOrg: geo.asOrg } : {}),
  };
}

function toEvent(r: EventColumns): ArchivedEvent {
  return {
    id: r.id,
    host: r.host,
    jail: r.jail,
    ip: r.ip,
    kind: r.kind,
    at: r.at * 1000,
    banTime: r.banTime,
    origin: r.origin,
    ...(r.banSeconds !== null ? { banSeconds: r.banSeconds } : {}),
    ...(r.banCount !== null ? { banCount: r.banCount } : {}),
    ...(r.failures !== null ? { failures: r.failures } : {}),
    ...(r.actor !== null ? { actor: r.actor } : {}),
    ...(r.matches !== null ? { matches: r.matches } : {}),
    ...(r.country !== null ? { country: r.country } : {}),
    ...(r.asn !== null ? { asn: r.asn } : {}),
    ...(r.asOrg !== null ? { asOrg: r.asOrg } : {}),
  };
}
