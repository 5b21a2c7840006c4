import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { failFastOnLocks, openDatabase } from "../../src/db/open.js";

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

  it("in a service, waits out another process's short transaction instead of refusing the write", async () => {
    const file = join(tempDir(), "banbot.sqlite");
    const db = openDatabase(file);
    db.exec("CREATE TABLE audit (line TEXT)");
    failFastOnLocks(db);
    // Another BanBot process (an exec writing its audit row) holds the write lock for 30 ms.
    const holder = spawn(process.execPath, ["-e", `
      const db = new (require("better-sqlite3"))(process.argv[1]);
      db.exec("BEGIN IMMEDIATE"); db.exec("INSERT INTO audit VALUES ('exec')");
      process.stdout.write("locked\\n");
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30);
      db.exec("COMMIT"); db.close();`, file], { stdio: ["ignore", "pipe", "inherit"] });
    await once(holder.stdout, "data");
    try {
      db.prepare("INSERT INTO audit VALUES ('start')").run();
      expect(db.prepare("SELECT line FROM audit ORDER BY rowid").pluck().all()).toEqual(["exec", "start"]);
    } finally {
      await once(holder, "exit");
      db.close();
    }
  });
});
