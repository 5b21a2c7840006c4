import type { Database } from "better-sqlite3";
import { defined, seconds, statementCache, type Params } from "./history-sql.js";
import type { HistoryQueries } from "../core/ports/history-queries.js";

/**
 * Addresses whose bans carry no country, for `top countries` to tell special ranges (which geo never
 * looks up) from addresses no database placed. Few in a real archive; a partial index holds just
 * their bans (migration 0016), which SQLite's planner, without statistics, passes over for the time
 * index unless told.
 */
export function createUnplacedQuery(db: Database, host: string): Pick<HistoryQueries, "unplaced"> {
  const stmt = statementCache(db);
  return {
    unplaced(filter, cap) {
      const params: Params = defined({ host, cap, since: seconds(filter.since), until: filter.until === undefined ? undefined : seconds(filter.until), jail: filter.jail });
      const rows = stmt(`SELECT ip, count(*) AS bans, max(at) AS lastAt FROM history_events INDEXED BY history_events_unplaced
        WHERE kind = 'ban' AND host = @host AND at >= @since${filter.until === undefined ? "" : " AND at < @until"}${filter.jail === undefined ? "" : " AND jail = @jail"}
        AND country IS NULL GROUP BY ip ORDER BY bans DESC, ip LIMIT @cap`).all(params) as { ip: string; bans: number; lastAt: number }[];
      return rows.map((r) => ({ ...r, lastAt: r.lastAt * 1000 }));
    },
  };
}
