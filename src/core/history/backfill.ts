import { setImmediate as nextTurn } from "node:timers/promises";
import type { DbBan, Fail2banDatabase } from "../fail2ban/database.js";
import type { BackfillState, Watermark } from "../ports/history-backfill-state.js";
import type { HistoryArchive } from "../ports/history-archive.js";
import type { CapturedEvent, HistoryEvent } from "./event.js";

export interface BackfillDeps {
  /** fail2ban's database, open read-only. */
  fail2banDb: Pick<Fail2banDatabase, "bansAfter">;
  /** Which database this is (its file): each has its own watermark. */
  source: string;
  host: string;
  state: BackfillState;
  archive: Pick<HistoryArchive, "add" | "atomically">;
  prepare: (events: readonly CapturedEvent[]) => HistoryEvent[];
  /** Told about each batch's newly archived events, after its transaction. */
  onArchived?: (events: readonly HistoryEvent[]) => void;
  now: () => number;
  /** Rows per batch (read, prepared and written together); default 1,000. */
  batchSize?: number;
}

export interface BackfillResult {
  /** Rows read from fail2ban's database. */
  read: number;
  /** Events new to the archive. */
  added: number;
  /** Whether the watermark row had changed, so everything fail2ban still holds was read again. */
  rescanned: boolean;
}

// Rows per batch: one short statement on fail2ban's database, one transaction here, and all that is
// ever held in memory. Small enough that a batch's objects die young: held longer (100,000 rows at
// once, as the backfill once did, or even 5,000), V8 promotes them and lets its old generation grow
// to several times its live size before collecting; a first sync then took over 150 MB. Larger
// batches would be faster: each row dirties about one page of every index keyed by address, and each
// commit writes the pages its batch dirtied to the WAL, so 2,500 rows a batch cut the archive's CPU
// time by a fifth. But `banbot start` then peaked at 153 MB in one of three runs of
// bench/start-memory.ts (143 and 145 in the others; 145 at 1,000), over its bound of 150 MB.
const BATCH = 1_000;

/**
 * Archives the bans fail2ban's database gained since the last run, oldest first, one batch at a
 * time. Each batch and its watermark are written in one transaction, and the archive ignores events
 * it has, so a crash or a rerun neither loses nor repeats anything. Every read is one short
 * statement: fail2ban loses a ban write when a reader holds its database for more than 5 s. Between
 * batches the event loop gets a turn, so commands and the action's events are not held up.
 */
export async function backfill(deps: BackfillDeps): Promise<BackfillResult> {
  const batchSize = deps.batchSize ?? BATCH;
  let mark = deps.state.get(deps.host, deps.source);
  // fail2ban's `bans` has no AUTOINCREMENT: once its newest rows are deleted (a manual unban,
  // unban --all), new bans reuse their rowids, and a plain "rowid > watermark" would skip them.
  const rescanned = mark !== undefined && !stillThere(deps.fail2banDb, mark);
  if (rescanned) mark = undefined;
  let after = mark?.rowid ?? 0;
  let read = 0;
  let added = 0;
  for (;;) {
    const rows = deps.fail2banDb.bansAfter(after, batchSize);
    const last = rows.at(-1);
    if (last === undefined) break;
    read += rows.length;
    after = last.rowid;
    const events = deps.prepare(rows.map(toCaptured));
    const fresh = deps.archive.atomically(() => {
      const archived = deps.archive.add(events, { refresh: true });
      deps.state.set(deps.host, deps.source, { rowid: last.rowid, jail: last.jail, ip: last.ip, time: last.timeOfBan }, deps.now());
      return archived;
    });
    added += fresh.length;
    if (fresh.length > 0) deps.onArchived?.(fresh);
    if (rows.length < batchSize) break;
    await nextTurn();
  }
  return { read, added, rescanned };
}

function stillThere(db: Pick<Fail2banDatabase, "bansAfter">, mark: Watermark): boolean {
  const [row] = db.bansAfter(mark.rowid - 1, 1);
  return row !== undefined && row.rowid === mark.rowid && row.jail === mark.jail && row.ip === mark.ip && row.timeOfBan === mark.time;
}

function toCaptured(row: DbBan): CapturedEvent {
  const event: CapturedEvent = {
    jail: row.jail,
    ip: row.ip,
    kind: "ban",
    at: row.timeOfBan * 1000,
    banTime: row.timeOfBan,
    banCount: row.banCount,
    failures: row.failures,
    matches: row.matches,
  };
  if (row.banSeconds !== undefined) event.banSeconds = row.banSeconds;
  return event;
}
