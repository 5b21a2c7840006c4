import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isUserError } from "../../src/core/errors.js";
import { migrate } from "../../src/db/migrate.js";
import { openDatabase } from "../../src/db/open.js";

describe("migrate", () => {
  let dir: string;
  let db: Database;

  const write = (files: Record<string, string>) => {
    for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  };
  const version = () => db.pragma("user_version", { simple: true });
  const tables = () =>
    db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "banbot-migrations-"));
    db = openDatabase(":memory:");
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("applies every migration in numeric order and records the last version", () => {
    write({
      "0002_add_note.sql": "ALTER TABLE bans ADD COLUMN note TEXT;",
      "0001_init.sql": "CREATE TABLE bans (ip TEXT NOT NULL);",
      "README.md": "not a migration",
    });
    expect(migrate(db, dir)).toEqual({ from: 0, to: 2, applied: ["0001_init.sql", "0002_add_note.sql"] });
    expect(version()).toBe(2);
    db.prepare("INSERT INTO bans (ip, note) VALUES (?, ?)").run("192.0.2.1", "seen");
  });

  it("does nothing on a second run, and only applies new files later", () => {
    write({ "0001_init.sql": "CREATE TABLE bans (ip TEXT);" });
    migrate(db, dir);
    expect(migrate(db, dir)).toEqual({ from: 1, to: 1, applied: [] });
    write({ "0002_jails.sql": "CREATE TABLE jails (name TEXT);" });
    expect(migrate(db, dir)).toEqual({ from: 1, to: 2, applied: ["0002_jails.sql"] });
    expect(tables()).toEqual(["bans", "jails"]);
  });

  it("leaves the database untouched, version included, when any migration fails", () => {
    write({ "0001_init.sql": "CREATE TABLE bans (ip TEXT);" });
    migrate(db, dir);
    write({
      "0002_jails.sql": "CREATE TABLE jails (name TEXT); INSERT INTO bans VALUES ('192.0.2.1');",
      "0003_broken.sql": "CREATE TABLE audit (id INTEGER); SELECT * FROM no_such_table;",
    });
    expect(() => migrate(db, dir)).toThrow(/migration 0003_broken.sql failed: no such table: no_such_table/);
    expect(version()).toBe(1);
    expect(tables()).toEqual(["bans"]);
    expect(db.prepare("SELECT count(*) FROM bans").pluck().get()).toBe(0);
  });

  it("rolls back a migration that leaves foreign keys dangling", () => {
    write({
      "0001_init.sql": `
        CREATE TABLE jails (name TEXT PRIMARY KEY);
        CREATE TABLE bans (ip TEXT, jail TEXT REFERENCES jails(name));
        PRAGMA defer_foreign_keys = ON;
        INSERT INTO bans VALUES ('192.0.2.1', 'sshd');`,
    });
    expect(() => migrate(db, dir)).toThrow(/FOREIGN KEY|foreign key/);
    expect(version()).toBe(0);
    expect(tables()).toEqual([]);
  });

  it("refuses a database newer than the newest migration", () => {
    write({ "0001_init.sql": "CREATE TABLE bans (ip TEXT);" });
    db.pragma("user_version = 5");
    let error: unknown;
    try {
      migrate(db, dir);
    } catch (err) {
      error = err;
    }
    expect(isUserError(error, "database_too_new")).toBe(true);
    expect((error as Error).message).toMatch(/schema version 5.*up to 1/);
  });

  it.each([
    [{ "1_init.sql": "" }, /1_init.sql .* misnamed/],
    [{ "0001-init.sql": "" }, /misnamed/],
    [{ "0001_Init.sql": "" }, /misnamed/],
    [{ "init.sql": "" }, /misnamed/],
    [{ "0001_init.sql": "", "0003_later.sql": "" }, /0002 is missing/],
    [{ "0001_init.sql": "", "0001_again.sql": "" }, /two migrations are numbered 0001/],
    [{ "0000_zero.sql": "" }, /starts at 0001/],
    [{ "0002_late.sql": "" }, /0001 is missing/],
  ])("rejects the migration set %j", (files, message) => {
    write(files);
    expect(() => migrate(db, dir)).toThrow(message);
    try {
      migrate(db, dir);
    } catch (err) {
      expect(isUserError(err, "migration_invalid")).toBe(true);
    }
    expect(version()).toBe(0);
  });
});
