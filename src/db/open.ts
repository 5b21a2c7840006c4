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
  db.pragma("busy_timeout = 5000");
  // NORMAL is durable against application crashes in WAL mode; only a power loss can drop the last commits.
  db.pragma("synchronous = NORMAL");
  return db;
}
