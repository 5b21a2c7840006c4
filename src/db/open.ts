import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

/** Opens (creating if needed) BanBot's SQLite store. Closing it is the caller's job, in shutdown order. */
export function openDatabase(file: string): Database.Database {
  if (file !== ":memory:" && file !== "") {
    // The store holds the audit log and ban history: keep it private to BanBot's user.
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  }
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  // A one-shot command waits for another process's transaction; a long-running BanBot does not (see
  // failFastOnLocks).
  db.pragma("busy_timeout = 5000");
  // NORMAL is durable against application crashes in WAL mode; only a power loss can drop the last commits.
  db.pragma("synchronous = NORMAL");
  // Checkpoint (copy the WAL into the database, then sync it) every 10,000 pages (40 MB) instead of
  // SQLite's 1,000: bulk writes such as a backfill dirty about a page per row in the address-keyed
  // indexes, and checkpointing them ten times as often made up a third of a first sync.
  db.pragma("wal_autocheckpoint = 10000");
  return db;
}

/**
 * For a process that must stay responsive (`banbot start`): a write that meets another process's
 * lock waits at most 0.4 s, then fails (SQLITE_BUSY), because better-sqlite3 waits synchronously,
 * with the event loop frozen: 5 s and Socket Mode misses its pongs, commands go unacknowledged.
 * 0.4 s still covers another BanBot's transactions (an `exec`'s audit row, a commit of a sync's
 * 20,000 rows, about 0.3 s), which would otherwise refuse changes for a lock held that briefly.
 * Such a process probes before writing and tries again later (the jobs at their next tick, the
 * history capture holding its events); a write that still meets the lock is refused.
 */
export function failFastOnLocks(db: Database.Database): void {
  db.pragma("busy_timeout = 400");
}
