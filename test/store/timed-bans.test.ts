import type { Database } from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TimedBan, TimedBans } from "../../src/core/ports/timed-bans.js";
import { createTimedBans } from "../../src/store/timed-bans.js";
import { migratedStore } from "../harness/store.js";

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;

describe("createTimedBans", () => {
  let db: Database;
  let bans: TimedBans;
  let otherHost: TimedBans;
  const ban = (jail: string, ip: string, until: number, actor = "slack:U01ADMIN") =>
    bans.upsert({ jail, ip, until, createdAt: T0, actor });
  const pairs = (rows: TimedBan[]) => rows.map((b) => `${b.jail} ${b.ip}`);

  beforeEach(() => {
    db = migratedStore();
    bans = createTimedBans(db, { host: "web1" });
    otherHost = createTimedBans(db, { host: "web2" });
  });
  afterEach(() => db.close());

  it("stores a ban on its own host", () => {
    ban("sshd", "192.0.2.1", T0 + HOUR);
    expect(bans.forIp("192.0.2.1")).toEqual([
      { host: "web1", jail: "sshd", ip: "192.0.2.1", until: T0 + HOUR, createdAt: T0, actor: "slack:U01ADMIN" },
    ]);
    expect(otherHost.forIp("192.0.2.1")).toEqual([]);
  });

  it("replaces the end time and actor on a re-ban", () => {
    ban("sshd", "192.0.2.1", T0 + HOUR);
    bans.upsert({ jail: "sshd", ip: "192.0.2.1", until: T0 + 5 * HOUR, createdAt: T0 + 10, actor: "discord:1" });
    expect(bans.forIp("192.0.2.1")).toEqual([
      { host: "web1", jail: "sshd", ip: "192.0.2.1", until: T0 + 5 * HOUR, createdAt: T0 + 10, actor: "discord:1" },
    ]);
  });

  it("lists bans that are due, oldest end first, up to the limit", () => {
    ban("sshd", "192.0.2.3", T0 + 3 * HOUR);
    ban("sshd", "192.0.2.1", T0 + HOUR);
    ban("nginx", "192.0.2.2", T0 + 2 * HOUR);
    ban("sshd", "192.0.2.9", T0 + 9 * HOUR);
    otherHost.upsert({ jail: "sshd", ip: "192.0.2.4", until: T0, createdAt: T0, actor: "x" });
    expect(pairs(bans.due(T0 + HOUR - 1, 10))).toEqual([]);
    expect(pairs(bans.due(T0 + HOUR, 10))).toEqual(["sshd 192.0.2.1"]);
    expect(pairs(bans.due(T0 + 3 * HOUR, 10))).toEqual(["sshd 192.0.2.1", "nginx 192.0.2.2", "sshd 192.0.2.3"]);
    expect(pairs(bans.due(T0 + 3 * HOUR, 2))).toEqual(["sshd 192.0.2.1", "nginx 192.0.2.2"]);
  });

  it("finds an IP across jails, and a jail's bans by IP", () => {
    ban("sshd", "192.0.2.1", T0 + HOUR);
    ban("nginx", "192.0.2.1", T0 + 2 * HOUR);
    ban("sshd", "2001:db8::1", T0 + 3 * HOUR);
    expect(pairs(bans.forIp("192.0.2.1"))).toEqual(["nginx 192.0.2.1", "sshd 192.0.2.1"]);
    const sshd = bans.forJail("sshd");
    expect([...sshd.keys()]).toEqual(["192.0.2.1", "2001:db8::1"]);
    expect(sshd.get("2001:db8::1")?.until).toBe(T0 + 3 * HOUR);
    expect(bans.forJail("postfix").size).toBe(0);
  });

  it("removes one ban, one IP everywhere, one jail, or everything on its host", () => {
    ban("sshd", "192.0.2.1", T0);
    ban("nginx", "192.0.2.1", T0);
    ban("sshd", "192.0.2.2", T0);
    ban("nginx", "192.0.2.3", T0);
    ban("postfix", "192.0.2.4", T0);
    otherHost.upsert({ jail: "sshd", ip: "192.0.2.2", until: T0, createdAt: T0, actor: "x" });

    expect(bans.remove("sshd", "192.0.2.2")).toBe(true);
    expect(bans.remove("sshd", "192.0.2.2")).toBe(false);
    expect(bans.removeIp("192.0.2.1")).toBe(2);
    expect(bans.removeAll("nginx")).toBe(1);
    expect(pairs(bans.due(T0, 10))).toEqual(["postfix 192.0.2.4"]);
    expect(bans.removeAll()).toBe(1);
    expect(bans.due(T0, 10)).toEqual([]);
    expect(pairs(otherHost.due(T0, 10))).toEqual(["sshd 192.0.2.2"]);
  });

  it("lists the bans fail2ban would lift before their end, soonest first, and records renewals", () => {
    bans.upsert({ jail: "sshd", ip: "192.0.2.1", until: T0 + 7 * 24 * HOUR, createdAt: T0, actor: "a", f2bUntil: T0 + 600_000 });
    bans.upsert({ jail: "sshd", ip: "192.0.2.2", until: T0 + 2 * HOUR, createdAt: T0, actor: "a", f2bUntil: T0 + 60_000 });
    // fail2ban holds these to their end (a longer or permanent bantime): nothing to renew.
    bans.upsert({ jail: "sshd", ip: "192.0.2.3", until: T0 + HOUR, createdAt: T0, actor: "a" });
    otherHost.upsert({ jail: "sshd", ip: "192.0.2.4", until: T0 + HOUR, createdAt: T0, actor: "a", f2bUntil: T0 });
    expect(pairs(bans.renewable({ now: T0, before: T0 + 59_999, limit: 10 }))).toEqual([]);
    expect(pairs(bans.renewable({ now: T0, before: T0 + 600_000, limit: 10 }))).toEqual(["sshd 192.0.2.2", "sshd 192.0.2.1"]);
    bans.renewed("sshd", ["192.0.2.2"], T0 + 660_000);
    bans.renewed("sshd", ["192.0.2.1"], undefined);
    expect(bans.get("sshd", "192.0.2.2")?.f2bUntil).toBe(T0 + 660_000);
    expect(bans.get("sshd", "192.0.2.1")).not.toHaveProperty("f2bUntil");
    expect(pairs(bans.renewable({ now: T0, before: T0 + 600_000, limit: 10 }))).toEqual([]);
    // Past its own end, a ban is the expiry's, not a renewal's.
    expect(pairs(bans.renewable({ now: T0 + 3 * HOUR, before: T0 + 3 * HOUR, limit: 10 }))).toEqual([]);
    expect(bans.get("nginx", "192.0.2.2")).toBeUndefined();
  });

  it("uses its index to find due bans", () => {
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT * FROM timed_bans WHERE host = ? AND until <= ? ORDER BY until LIMIT 10")
      .all("web1", T0) as { detail: string }[];
    expect(plan.map((p) => p.detail).join("\n")).toMatch(/USING INDEX timed_bans_due/);
  });
});
