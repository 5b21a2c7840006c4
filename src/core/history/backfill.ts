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
  /** Rows per transaction, in whole batches; default 20,000. */
  commitRows?: number;
}

export interface BackfillResult {
  /** Rows read from fail2ban's database. */
  read: number;
  /** Events new to the archive. */
  added: number;
  /** Whether the watermark row had changed, so everything fail2ban still holds was read again. */
  rescanned: boolean;
}

// Rows per batch: one short statement on fail2ban's database, and all that is held in memory at a
// time. Small enough that a batch's objects die young: held longer (100,000 rows at once, as the
// backfill once did, or even 5,000), V8 promotes them and lets its old generation grow to several
// times its live size before collecting; a first sync then took over 150 MB.
const BATCH = 1_000;
// Rows per transaction: each row dirties about one page of every index keyed by address, and each
// commit writes the pages it dirtied to the WAL, so batches committed one by one spent 40% of a
// 100,000-row sync committing. Twenty batches a commit share most pages (a 100,000-row sync into a
// year's archive: 2.2–2.7 s → 1.4–1.9 s here; ten batches: 1.6–2.3 s) and hold the event loop for
// about 0.3 s. The batches' objects still die young; only the new events wait for the commit to be
// announced: `banbot start` peaked at 140 MB through a first sync (135 MB with ten batches a commit).
const COMMIT_ROWS = 20_000;

/**
 * Archives the bans fail2ban's database gained since the last run, oldest first, a batch at a time,
 * several batches a transaction. Each transaction writes its batches with their watermark, and the
 * archive ignores events it has, so a crash or a rerun neither loses nor repeats anything. Every
 * read is one short statement: fail2ban loses a ban write when a reader holds its database for more
 * than 5 s. Between transactions the event loop gets a turn, so commands and the action's events are
 * not held up (within a transaction they would join it, and be lost with it).
 */
export async function backfill(deps: BackfillDeps): Promise<BackfillResult> {
  const batchSize = deps.batchSize ?? BATCH;
  const commitRows = Math.max(deps.commitRows ?? COMMIT_ROWS, batchSize);
  let mark = deps.state.get(deps.host, deps.source);
  // fail2ban's `bans` has no AUTOINCREMENT: once its newest rows are deleted (a manual unban,
  // unban --all), new bans reuse their rowids, and a plain "rowid > watermark" would skip them.
  const rescanned = mark !== undefined && !stillThere(deps.fail2banDb, mark);
  if (rescanned) mark = undefined;
  let after = mark?.rowid ?? 0;
  let read = 0;
  let added = 0;
  let more = true;
  while (more) {
    const fresh = deps.archive.atomically(() => {
      const archived: HistoryEvent[] = [];
      for (let rowsIn = 0; more && rowsIn < commitRows; rowsIn += batchSize) {
        const rows = deps.fail2banDb.bansAfter(after, batchSize);
        const last = rows.at(-1);
        more = rows.length === batchSize;
        if (last === undefined) break;
        read += rows.length;
        after = last.rowid;
        for (const event of deps.archive.add(deps.prepare(rows.map(toCaptured)), { refresh: true })) archived.push(event);
        deps.state.set(deps.host, deps.source, { rowid: last.rowid, jail: last.jail, ip: last.ip, time: last.timeOfBan }, deps.now());
      }
      return archived;
    });
    added += fresh.length;
    if (fresh.length > 0) deps.onArchived?.(fresh);
    if (more) await nextTurn();
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
