import type { Database } from "better-sqlite3";
import { createHistoryAggregates } from "./history-aggregates.js";
import { createEventQueries } from "./history-event-queries.js";
import { createUnplacedQuery } from "./history-unplaced.js";
import type { HistoryQueries } from "../core/ports/history-queries.js";

export function createHistoryQueries(db: Database, { host }: { host: string }): HistoryQueries {
  return { ...createEventQueries(db, host), ...createHistoryAggregates(db, host), ...createUnplacedQuery(db, host) };
}
