import type { Database } from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Confirmations } from "../../src/core/ports/confirmations.js";
import { createConfirmations } from "../../src/store/confirmations.js";
import { migratedStore } from "../harness/store.js";

const T0 = 1_700_000_000_000;
const LINE = "unban-all sshd";
const ASKER = { platform: "slack", userId: "U01ADMIN" } as const;

describe("createConfirmations", () => {
  let db: Database;
  let confirmations: Confirmations;
  const create = (commandLine = LINE, now = T0) =>
    confirmations.create({ commandLine, platform: "slack", userId: "U01ADMIN", now, ttlMs: 60_000 });
  const count = () => db.prepare("SELECT count(*) FROM confirmations").pluck().get();

  beforeEach(() => {
    db = migratedStore();
    confirmations = createConfirmations(db);
  });
  afterEach(() => db.close());

  it("issues distinct URL-safe tokens of at least 96 bits", () => {
    const tokens = new Set(Array.from({ length: 50 }, () => create()));
    expect(tokens.size).toBe(50);
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(token, "base64url").length * 8).toBeGreaterThanOrEqual(96);
    }
  });

  it("stores who asked", () => {
    const token = create();
    expect(db.prepare("SELECT platform, user_id, created_at, expires_at FROM confirmations WHERE token = ?").get(token))
      .toEqual({ platform: "slack", user_id: "U01ADMIN", created_at: T0, expires_at: T0 + 60_000 });
  });

  it("confirms once: a second click finds nothing", () => {
    const token = create();
    expect(confirmations.consume({ token, commandLine: LINE, now: T0 + 1_000, by: ASKER })).toBe("ok");
    expect(confirmations.consume({ token, commandLine: LINE, now: T0 + 1_000, by: ASKER })).toBe("unknown");
  });

  it("still confirms at the last millisecond, and expires after it", () => {
    const early = create();
    const late = create();
    expect(confirmations.consume({ token: early, commandLine: LINE, now: T0 + 60_000, by: ASKER })).toBe("ok");
    expect(confirmations.consume({ token: late, commandLine: LINE, now: T0 + 60_001, by: ASKER })).toBe("expired");
    expect(confirmations.consume({ token: late, commandLine: LINE, now: T0 + 60_001, by: ASKER })).toBe("unknown");
  });

  it("refuses a different command line without using up the token", () => {
    const token = create();
    expect(confirmations.consume({ token, commandLine: "unban-all all", now: T0, by: ASKER })).toBe("mismatch");
    expect(confirmations.consume({ token, commandLine: LINE, now: T0, by: ASKER })).toBe("ok");
  });

  it("does not know a token it never issued", () => {
    create();
    expect(confirmations.consume({ token: "AAAAAAAAAAAAAAAAAAAAAA", commandLine: LINE, now: T0, by: ASKER })).toBe("unknown");
  });

  it("cancels a pending confirmation once", () => {
    const token = create();
    expect(confirmations.cancel(token, ASKER)).toBe("cancelled");
    expect(confirmations.cancel(token, ASKER)).toBe("unknown");
    expect(confirmations.consume({ token, commandLine: LINE, now: T0, by: ASKER })).toBe("unknown");
  });

  it("belongs to who asked: another user, or the same ID on another platform, can neither use nor drop it", () => {
    const token = create();
    for (const other of [{ platform: "slack", userId: "U01OTHER" }, { platform: "discord", userId: "U01ADMIN" }] as const) {
      expect(confirmations.consume({ token, commandLine: LINE, now: T0, by: other })).toBe("not_yours");
      expect(confirmations.cancel(token, other)).toBe("not_yours");
    }
    expect(confirmations.consume({ token, commandLine: LINE, now: T0, by: ASKER })).toBe("ok");
  });

  it("purges only confirmations past their expiry", () => {
    create(LINE, T0);
    create(LINE, T0 + 10_000);
    const live = create(LINE, T0 + 20_000);
    expect(confirmations.purgeExpired(T0 + 60_000)).toBe(0);
    expect(confirmations.purgeExpired(T0 + 70_001)).toBe(2);
    expect(count()).toBe(1);
    expect(confirmations.consume({ token: live, commandLine: LINE, now: T0 + 70_001, by: ASKER })).toBe("ok");
  });

  it("rejects a TTL that would expire before it is issued", () => {
    expect(() => confirmations.create({ commandLine: LINE, platform: "slack", userId: "U1", now: T0, ttlMs: 0 }))
      .toThrow(RangeError);
  });
});
