import type { Database } from "better-sqlite3";

/**
 * Runs `fn` in a transaction, or inside the caller's when one is already open, so repository
 * functions can be composed without nested savepoints. The only way BanBot opens one (but the
 * instance lock's IMMEDIATE lease); repositories hand it to core as `atomically` (core/ports/transaction.ts).
 */
export function transaction<T>(db: Database, fn: () => T): T {
  return db.inTransaction ? fn() : db.transaction(fn)();
}
