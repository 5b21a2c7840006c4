import type { Database } from "better-sqlite3";

/**
 * Runs `fn` in a transaction, or inside the caller's when one is already open, so repository
 * functions can be composed without nested savepoints.
 */
export function transaction<T>(db: Database, fn: () => T): T {
  return db.inTransaction ? fn() : db.transaction(fn)();
}
