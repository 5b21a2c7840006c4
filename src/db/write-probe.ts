import type { Database } from "better-sqlite3";

/**
 * Whether a write could start now, waiting at most `waitMs` (default not at all): another process
 * (an sqlite3 shell, a backup) may hold the store's write lock for a long time, and every statement
 * that waits for it blocks the whole process for the busy timeout. Only a lock held elsewhere says
 * no: any other trouble is left to the write itself, where it is reported as it always was.
 */
export function writeProbe(db: Database): (waitMs?: number) => boolean {
  return (waitMs = 0) => {
    // Inside a transaction the lock is already ours.
    if (!db.open || db.inTransaction) return true;
    const timeout = db.pragma("busy_timeout", { simple: true }) as number;
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(waitMs))}`);
    try {
      db.exec("BEGIN IMMEDIATE");
      db.exec("ROLLBACK");
      return true;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      return !(typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")));
    } finally {
      db.pragma(`busy_timeout = ${timeout}`);
    }
  };
}
