import { copyFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it, vi } from "vitest";
import { Fail2banDatabase, locateFail2banDb } from "../../../src/core/fail2ban/database.js";
import { isUserError } from "../../../src/core/errors.js";
import { useClients } from "../../harness/client.js";
import { causeBanByLog, useFail2ban } from "../../harness/fail2ban.js";
import { useTempDir } from "../../harness/temp-dir.js";

describe("Fail2banDatabase", () => {
  const f2b = useFail2ban();
  const connect = useClients();
  const tmp = useTempDir("f2bdb-");

  it("is found through the server and reads ban events incrementally", async () => {
    const { fail2ban } = connect(f2b.sandbox.socketPath);
    const file = await locateFail2banDb(fail2ban);
    expect(file).toBe(f2b.sandbox.dbPath);
    const db = Fail2banDatabase.open(file);
    try {
      expect(db.schemaVersion).toBe(4);
      await fail2ban.ban("alpha", ["192.0.2.70", "2001:db8::70"]);
      await causeBanByLog(f2b.sandbox, "beta", "203.0.113.70");
      // fail2ban writes rows from its observer thread a few ms after the ban.
      const rows = await vi.waitFor(() => {
        const r = db.bansAfter(0, 100);
        if (r.length < 3) throw new Error(`only ${r.length} rows yet`);
        return r;
      });
      expect(rows.map((r) => [r.jail, r.ip])).toEqual([
        ["alpha", "192.0.2.70"],
        ["alpha", "2001:db8::70"],
        ["beta", "203.0.113.70"],
      ]);
      const fromLog = rows[2]!;
      expect(fromLog).toMatchObject({ banSeconds: 3600, banCount: 1, failures: 2 });
      expect(fromLog.matches).toEqual(["BAD request from 203.0.113.70", "BAD request from 203.0.113.70"]);
      expect(rows[0]!.matches).toEqual([]);
      expect(db.bansAfter(rows[1]!.rowid, 100).map((r) => r.ip)).toEqual(["203.0.113.70"]);

      const now = Math.floor(Date.now() / 1000);
      expect(db.activeBans(now).map((b) => b.ip).sort()).toEqual(["192.0.2.70", "2001:db8::70", "203.0.113.70"]);
      expect(db.activeBans(now + 7200)).toEqual([]);
    } finally {
      db.close();
    }
  });

  it("never writes to fail2ban's database", async () => {
    const before = await stat(f2b.sandbox.dbPath);
    const db = Fail2banDatabase.open(f2b.sandbox.dbPath);
    db.bansAfter(0, 10);
    db.activeBans(0);
    db.close();
    const after = await stat(f2b.sandbox.dbPath);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    await expect(stat(`${f2b.sandbox.dbPath}-wal`)).rejects.toThrow();
  });

  // fail2ban writes a ban's row from its observer thread after `banip` answered; an address banned
  // again meanwhile has its ticket's ban time moved by the seconds in between, so the row it writes
  // holds 3600.05 (seen under load: banned's page then failed with an incident).
  it("reads a ban time fail2ban stored with a fraction as the whole seconds its own list shows", async () => {
    const { fail2ban } = connect(f2b.sandbox.socketPath);
    await fail2ban.ban("alpha", ["192.0.2.75"]);
    await vi.waitFor(() => {
      const db = Fail2banDatabase.open(f2b.sandbox.dbPath);
      try {
        if (db.banTimes("alpha", ["192.0.2.75"]).size === 0) throw new Error("not recorded yet");
      } finally {
        db.close();
      }
    });
    // A copy, as fail2ban would have written it: the server's own database is only ever read.
    const copy = join(tmp.path, "fraction.sqlite3");
    copyFileSync(f2b.sandbox.dbPath, copy);
    const writable = new BetterSqlite3(copy);
    writable.prepare("UPDATE bips SET bantime = 3600.05 WHERE ip = ?").run("192.0.2.75");
    writable.close();
    const db = Fail2banDatabase.open(copy);
    try {
      expect(db.banTimes("alpha", ["192.0.2.75"]).get("192.0.2.75")).toEqual({ timeOfBan: expect.any(Number), banSeconds: 3600 });
    } finally {
      db.close();
    }
  });

  it("says what to do when the database cannot be opened", () => {
    const err: unknown = (() => {
      try {
        Fail2banDatabase.open(join(f2b.sandbox.dir, "missing.sqlite3"));
      } catch (e) {
        return e;
      }
    })();
    expect(isUserError(err, "fail2ban_db_unavailable")).toBe(true);
  });
});
