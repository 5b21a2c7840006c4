import Database from "better-sqlite3";

// fail2ban's database schema version 4 (0.11 to 1.1), statement for statement as its
// server/database.py creates it, for tests and benchmarks that need rows fail2ban would write.
const SCHEMA_V4 = `
CREATE TABLE fail2banDb(version INTEGER);
INSERT INTO fail2banDb(version) VALUES(4);
CREATE TABLE jails(name TEXT NOT NULL UNIQUE, enabled INTEGER NOT NULL DEFAULT 1);
CREATE INDEX jails_name ON jails(name);
CREATE TABLE logs(jail TEXT NOT NULL, path TEXT, firstlinemd5 TEXT, lastfilepos INTEGER DEFAULT 0,
  FOREIGN KEY(jail) REFERENCES jails(name) ON DELETE CASCADE, UNIQUE(jail, path), UNIQUE(jail, path, firstlinemd5));
CREATE INDEX logs_path ON logs(path);
CREATE INDEX logs_jail_path ON logs(jail, path);
CREATE TABLE bans(jail TEXT NOT NULL, ip TEXT, timeofban INTEGER NOT NULL, bantime INTEGER NOT NULL,
  bancount INTEGER NOT NULL default 1, data JSON, FOREIGN KEY(jail) REFERENCES jails(name));
CREATE INDEX bans_jail_timeofban_ip ON bans(jail, timeofban);
CREATE INDEX bans_jail_ip ON bans(jail, ip);
CREATE INDEX bans_ip ON bans(ip);
CREATE TABLE bips(ip TEXT NOT NULL, jail TEXT NOT NULL, timeofban INTEGER NOT NULL, bantime INTEGER NOT NULL,
  bancount INTEGER NOT NULL default 1, data JSON, PRIMARY KEY(ip, jail), FOREIGN KEY(jail) REFERENCES jails(name));
CREATE INDEX bips_timeofban ON bips(timeofban);
CREATE INDEX bips_ip ON bips(ip);
`;

export interface Fail2banRow {
  jail: string;
  ip: string;
  timeofban: number;
  bantime?: number;
  bancount?: number;
  /** Stored as a UTF-8 BLOB, as fail2ban on Python 3 does. */
  data?: unknown;
}

/** A writable fail2ban database file, as a fail2ban server would have created it. */
export function createFail2banDb(file: string, jails: readonly string[]): Database.Database {
  const db = new Database(file);
  db.exec(SCHEMA_V4);
  const jail = db.prepare("INSERT INTO jails(name, enabled) VALUES(?, 1)");
  for (const name of jails) jail.run(name);
  return db;
}

/** Inserts ban rows as fail2ban's addBan does (bans and bips); returns their rowids in `bans`. */
export function insertBans(db: Database.Database, rows: readonly Fail2banRow[]): number[] {
  const ban = db.prepare("INSERT INTO bans(jail, ip, timeofban, bantime, bancount, data) VALUES(?, ?, ?, ?, ?, ?)");
  const bip = db.prepare("INSERT OR REPLACE INTO bips(ip, jail, timeofban, bantime, bancount, data) VALUES(?, ?, ?, ?, ?, ?)");
  return db.transaction(() =>
    rows.map((r) => {
      const data = Buffer.from(JSON.stringify(r.data ?? { matches: [], failures: 0 }));
      const values = [r.timeofban, r.bantime ?? 600, r.bancount ?? 1, data] as const;
      bip.run(r.ip, r.jail, ...values);
      return Number(ban.run(r.jail, r.ip, ...values).lastInsertRowid);
    }),
  )();
}

/** What fail2ban's manual unban does to its database: every row of the address in the jail goes. */
export function deleteBans(db: Database.Database, jail: string, ip: string): void {
  db.prepare("DELETE FROM bans WHERE jail = ? AND ip = ?").run(jail, ip);
  db.prepare("DELETE FROM bips WHERE jail = ? AND ip = ?").run(jail, ip);
}
