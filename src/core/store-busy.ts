// Another process holding BanBot's SQLite store (an admin in the sqlite3 shell, a backup tool) makes
// writes fail with SQLITE_BUSY once the busy timeout runs out. That is an outside condition with a
// fix, not a bug: say so, in one place.

/** Whether `err` is SQLite's "database is locked" (or busy), from any store module. */
export function isStoreBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}

export const STORE_LOCKED_MESSAGE =
  "BanBot's store is locked by another process (an sqlite3 shell or a backup?), so this could not be done or recorded. Try again once it is released.";

/** A change that met the lock part-way: fail2ban may have made it (all or part), BanBot could not note it. */
export const STORE_LOCKED_MIDWAY_MESSAGE =
  "BanBot's store was locked by another process (an sqlite3 shell or a backup?) while this ran: it may be done, in whole or in part, but BanBot could not record it (nor keep a ban's set time). Once the lock is released, check what fail2ban has (`ip`, `banned`, `jails`) before trying again.";
