import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open.js";

describe("openDatabase", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "banbot-db-"));
    dirs.push(dir);
    return dir;
  };

  it("creates a private data directory and turns on WAL, foreign keys and a busy timeout", () => {
    const dataDir = join(tempDir(), "data", "nested");
    const db = openDatabase(join(dataDir, "banbot.sqlite"));
    try {
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
      expect(db.pragma("busy_timeout", { simple: true })).toBeGreaterThan(0);
      expect(db.pragma("synchronous", { simple: true })).toBe(1);
    } finally {
      db.close();
    }
  });

  it("enforces foreign keys", () => {
    const db = openDatabase(":memory:");
    db.exec("CREATE TABLE jails (name TEXT PRIMARY KEY); CREATE TABLE bans (jail TEXT REFERENCES jails(name));");
    expect(() => db.prepare("INSERT INTO bans VALUES ('sshd')").run()).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it("reopens an existing store with its data", () => {
    const file = join(tempDir(), "banbot.sqlite");
    const first = openDatabase(file);
    first.exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (42);");
    first.close();
    const second = openDatabase(file);
    expect(second.prepare("SELECT x FROM t").pluck().get()).toBe(42);
    second.close();
  });
});
