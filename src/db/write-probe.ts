import { setTimeout as delay } from "node:timers/promises";
import type { Database } from "better-sqlite3";

const POLL_MS = 20;

/**
 * Whether a write could start now, without waiting: another process (an sqlite3 shell, a backup)
 * may hold the store's write lock for a long time, and better-sqlite3 waits for it synchronously,
 * with the whole process frozen. Only a lock held elsewhere says no: any other trouble is left to
 * the write itself, where it is reported as it always was.
 */
export function writeProbe(db: Database): () => boolean {
  return () => {
    // Inside a transaction the lock is already ours.
    if (!db.open || db.inTransaction) return true;
    const timeout = db.pragma("busy_timeout", { simple: true }) as number;
    if (timeout !== 0) db.pragma("busy_timeout = 0");
    try {
      db.exec("BEGIN IMMEDIATE");
      db.exec("ROLLBACK");
      return true;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      return !(typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")));
    } finally {
      if (timeout !== 0) db.pragma(`busy_timeout = ${timeout}`);
    }
  };
}

/**
 * Asks `probe` again every few milliseconds, the event loop free in between, until it says yes or
 * `waitMs` have passed: another BanBot's transaction ends within that; a lock someone holds by hand
 * does not, and the answer is then no.
 */
export async function writableWithin(probe: () => boolean, waitMs: number): Promise<boolean> {
  const until = performance.now() + waitMs;
  for (;;) {
    if (probe()) return true;
    if (performance.now() >= until) return false;
    await delay(POLL_MS);
  }
}
