import type { Database } from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AuditEntry, AuditLog } from "../../src/core/ports/audit-log.js";
import { createAuditLog } from "../../src/store/audit-log.js";
import { migratedStore } from "../harness/store.js";

const T0 = 1_700_000_000_000;

const entry = (overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  at: T0,
  host: "web1",
  platform: "slack",
  userId: "U01ADMIN",
  command: "ban",
  commandLine: "ban 192.0.2.1 sshd",
  outcome: "ok",
  durationMs: 12,
  ...overrides,
});

describe("createAuditLog", () => {
  let db: Database;
  let log: AuditLog;

  beforeEach(() => {
    db = migratedStore();
    log = createAuditLog(db);
  });
  afterEach(() => db.close());

  it("round-trips every field, and leaves absent optional fields absent", () => {
    log.record(
      entry({ userName: "alice", channelId: "C01SECOPS", outcome: "refused", message: "You need the admin role" }),
    );
    log.record(entry({ at: T0 + 1, platform: "console", userId: "console", outcome: "error", durationMs: 0 }));
    expect(log.query({ limit: 10 })).toEqual([
      {
        id: 2,
        at: T0 + 1,
        host: "web1",
        platform: "console",
        userId: "console",
        command: "ban",
        commandLine: "ban 192.0.2.1 sshd",
        outcome: "error",
        durationMs: 0,
      },
      {
        id: 1,
        at: T0,
        host: "web1",
        platform: "slack",
        userId: "U01ADMIN",
        userName: "alice",
        channelId: "C01SECOPS",
        command: "ban",
        commandLine: "ban 192.0.2.1 sshd",
        outcome: "refused",
        message: "You need the admin role",
        durationMs: 12,
      },
    ]);
  });

  it("cuts messages to 500 characters, ending in an ellipsis", () => {
    log.record(entry({ message: "x".repeat(500) }));
    log.record(entry({ message: "y".repeat(501) }));
    const [long, exact] = log.query({ limit: 2 });
    expect(exact!.message).toBe("x".repeat(500));
    expect(long!.message).toBe(`${"y".repeat(499)}…`);
  });

  it("does not split an emoji when cutting", () => {
    log.record(entry({ message: `${"a".repeat(498)}🔥🔥` }));
    expect(log.query({ limit: 1 })[0]!.message).toBe(`${"a".repeat(498)}…`);
  });

  it("filters by user and by time, newest first", () => {
    log.record(entry({ at: T0, userId: "U1" }));
    log.record(entry({ at: T0 + 1000, userId: "U2" }));
    log.record(entry({ at: T0 + 2000, userId: "U1" }));
    log.record(entry({ at: T0 + 3000, userId: "U1" }));
    const ids = (rows: { id: number }[]) => rows.map((r) => r.id);
    expect(ids(log.query({ userId: "U1", limit: 10 }))).toEqual([4, 3, 1]);
    expect(ids(log.query({ since: T0 + 1000, limit: 10 }))).toEqual([4, 3, 2]);
    expect(ids(log.query({ userId: "U1", since: T0 + 1000, limit: 10 }))).toEqual([4, 3]);
    expect(ids(log.query({ userId: "U3", limit: 10 }))).toEqual([]);
  });

  it("pages with beforeId without skipping or repeating rows", () => {
    for (let i = 0; i < 7; i++) log.record(entry({ at: T0, commandLine: `ban 192.0.2.${i} sshd` }));
    const pages: number[][] = [];
    let beforeId: number | undefined;
    for (;;) {
      const page = log.query({ limit: 3, beforeId });
      if (page.length === 0) break;
      pages.push(page.map((r) => r.id));
      beforeId = page.at(-1)!.id;
    }
    expect(pages).toEqual([[7, 6, 5], [4, 3, 2], [1]]);
  });

  it("pages back with afterId, newest first, and counts with a cap", () => {
    for (let i = 0; i < 7; i++) log.record(entry({ at: T0 + i, userId: i % 2 ? "U1" : "U2" }));
    const ids = (rows: { id: number }[]) => rows.map((r) => r.id);
    expect(ids(log.query({ limit: 3, afterId: 2 }))).toEqual([5, 4, 3]);
    expect(ids(log.query({ limit: 3, afterId: 5 }))).toEqual([7, 6]);
    expect(ids(log.query({ userId: "U1", limit: 3, afterId: 2 }))).toEqual([6, 4]);
    expect(log.count({}, 100)).toBe(7);
    expect(log.count({}, 5)).toBe(5);
    expect(log.count({ userId: "U1", since: T0 + 2 }, 100)).toBe(2);
    expect(log.count({ newerThanId: 4 }, 100)).toBe(3);
  });

  it("rejects a limit that SQLite would read as no limit", () => {
    expect(() => log.query({ limit: -1 })).toThrow(RangeError);
    expect(() => log.query({ limit: 0 })).toThrow(RangeError);
  });
});
