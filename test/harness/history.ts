import type { Database } from "better-sqlite3";
import { createHistory, type History } from "../../src/core/history/history.js";
import type { GeoEnricher } from "../../src/core/history/event.js";
import { createHistoryArchive } from "../../src/store/history-archive.js";
import { createBackfillState } from "../../src/store/history-backfill-state.js";
import { createHistoryQueries } from "../../src/store/history-queries.js";
import { silentLog } from "./client.js";

/** Ban history on a store, wired as compose.ts would. */
export function historyOn(
  db: Database,
  opts: { host?: string; now?: () => number; enrich?: GeoEnricher; retentionMs?: number } = {},
): History {
  const host = opts.host ?? "test-host";
  return createHistory({
    host,
    archive: createHistoryArchive(db),
    queries: createHistoryQueries(db, { host }),
    backfillState: createBackfillState(db),
    retentionMs: opts.retentionMs ?? 365 * 86_400_000,
    now: opts.now ?? (() => Date.now()),
    log: silentLog,
    enrich: opts.enrich,
  });
}
