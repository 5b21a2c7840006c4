import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { openDatabase } from "../../src/db/open.js";
import { migrationsDir } from "../../src/paths.js";
import type { HistoryEvent } from "../../src/core/history/event.js";
import { createHistoryArchive } from "../../src/store/history-archive.js";
import type { HistoryArchive } from "../../src/core/ports/history-archive.js";
import { createHistoryQueries } from "../../src/store/history-queries.js";
import type { HistoryQueries } from "../../src/core/ports/history-queries.js";
import { migratedStore } from "../harness/store.js";

const T0 = 1_790_000_000; // Unix seconds
const ban = (ip: string, over: Partial<HistoryEvent> = {}): HistoryEvent => ({
  host: "web1",
  jail: "sshd",
  ip,
  kind: "ban",
  at: T0 * 1000,
  banTime: T0,
  banSeconds: 600,
  banCount: 1,
  failures: 5,
  origin: "fail2ban",
  ...over,
});

describe("createHistoryArchive", () => {
  let db: Database;
  let archive: HistoryArchive;
  let queries: HistoryQueries;
  const rows = (ip: string) => queries.events({ ip }, { limit: 10 });

  beforeEach(() => {
    db = migratedStore();
    archive = createHistoryArchive(db);
    queries = createHistoryQueries(db, { host: "web1" });
  });
  afterEach(() => db.close());

  it("keeps one event per host, jail, address, ban time and kind, whichever source reports it", () => {
    expect(archive.add([ban("192.0.2.1"), ban("192.0.2.1"), ban("192.0.2.1", { kind: "unban", at: (T0 + 60) * 1000 })])).toHaveLength(2);
    expect(archive.add([ban("192.0.2.1"), ban("192.0.2.1", { host: "web2" }), ban("192.0.2.1", { banTime: T0 + 1, at: (T0 + 1) * 1000 })])).toHaveLength(2);
    expect(rows("192.0.2.1").map((e) => `${e.kind} ${e.banTime}`)).toEqual(["ban 1790000001", "unban 1790000000", "ban 1790000000"]);
  });

  it("takes fail2ban's later ban time and count on refresh, keeping the origin and the first excerpt", () => {
    archive.add([ban("192.0.2.2", { origin: "manual", actor: "slack:U1", matches: "first" })]);
    archive.add([ban("192.0.2.2", { banSeconds: 2400, banCount: 2, matches: "second" })], { refresh: true });
    archive.add([ban("192.0.2.2", { banSeconds: 1 })]);
    expect(rows("192.0.2.2")).toMatchObject([{ banSeconds: 2400, banCount: 2, origin: "manual", actor: "slack:U1", matches: "first" }]);
  });

  it("tags a ban BanBot noted beforehand with its origin and actor, once", () => {
    archive.note("web1", { jail: "sshd", ips: ["192.0.2.3"], origin: "blocklist:spamhaus", actor: "console:console", at: (T0 - 5) * 1000 });
    archive.add([ban("192.0.2.3", { origin: "external", failures: 0 })]);
    archive.add([ban("192.0.2.3", { origin: "external", failures: 0, banTime: T0 + 100, at: (T0 + 100) * 1000 })]);
    expect(rows("192.0.2.3").map((e) => `${e.origin} ${e.actor ?? "-"}`)).toEqual(["external -", "blocklist:spamhaus console:console"]);
  });

  it("takes a noted ban length (a timed ban's) over fail2ban's, whether the note comes first or late", () => {
    archive.note("web1", { jail: "sshd", ips: ["192.0.2.6"], origin: "manual", actor: "slack:U1", at: T0 * 1000, banSeconds: 7 * 86_400 });
    expect(archive.add([ban("192.0.2.6", { origin: "external", failures: 0 })])).toMatchObject([{ origin: "manual", banSeconds: 604_800 }]);
    archive.add([ban("192.0.2.7", { origin: "external", failures: 0 })]);
    archive.note("web1", { jail: "sshd", ips: ["192.0.2.7"], origin: "manual", at: T0 * 1000, banSeconds: 7200 });
    expect([...rows("192.0.2.6"), ...rows("192.0.2.7")].map((e) => e.banSeconds)).toEqual([604_800, 7200]);
  });

  it("adds unbans of a stopped jail only when BanBot noted them", () => {
    const stopped = (ip: string) => ban(ip, { kind: "unban", origin: "external", at: (T0 + 60) * 1000 });
    archive.note("web1", { jail: "sshd", ips: ["192.0.2.8"], origin: "manual", actor: "slack:U1", at: (T0 + 59) * 1000, kind: "unban" });
    expect(archive.add([stopped("192.0.2.8"), stopped("192.0.2.9")], { notedOnly: true }).map((e) => `${e.ip} ${e.origin} ${e.actor}`)).toEqual(["192.0.2.8 manual slack:U1"]);
    expect(rows("192.0.2.9")).toEqual([]);
  });

  it("tags an event that arrived before its note, and never a ban the filter made", () => {
    archive.add([ban("192.0.2.4", { origin: "external", failures: 0 }), ban("192.0.2.5")]);
    archive.note("web1", { jail: "sshd", ips: ["192.0.2.4", "192.0.2.5"], origin: "manual", actor: "slack:U2", at: (T0 + 1) * 1000 });
    expect(rows("192.0.2.4")).toMatchObject([{ origin: "manual", actor: "slack:U2" }]);
    expect(rows("192.0.2.5")).toMatchObject([{ origin: "fail2ban" }]);
  });

  it("tags the archived events of a many-address note and keeps the note only for the addresses still to come", () => {
    const ips = Array.from({ length: 500 }, (_, i) => `198.51.${100 + (i >> 8)}.${i & 255}`);
    archive.add(ips.filter((_, i) => i % 2 === 0).map((ip) => ban(ip, { origin: "external", failures: 0 })));
    archive.note("web1", { jail: "sshd", ips, origin: "manual", actor: "slack:U3", at: (T0 + 1) * 1000 });
    expect(db.prepare("SELECT count(*) AS n FROM history_events WHERE origin = 'manual' AND actor = 'slack:U3'").get()).toEqual({ n: 250 });
    expect(db.prepare("SELECT count(*) AS n FROM history_origin_notes").get()).toEqual({ n: 250 });
    const later = archive.add(ips.filter((_, i) => i % 2 === 1).map((ip) => ban(ip, { origin: "external", failures: 0 })));
    expect(new Set(later.map((e) => `${e.origin} ${e.actor}`))).toEqual(new Set(["manual slack:U3"]));
    expect(db.prepare("SELECT count(*) AS n FROM history_origin_notes").get()).toEqual({ n: 0 });
  });

  // The archived events are found by address when the note's window holds more events than it has
  // addresses, by time when fewer, and not looked for when it holds none: the same tags every way.
  it("tags archived events alike whether the note's window holds more events than addresses, fewer, or none", () => {
    const busy = Array.from({ length: 40 }, (_, i) => ban(`203.0.113.${i}`, { origin: "external", failures: 0 }));
    archive.add(busy);
    archive.note("web1", { jail: "sshd", ips: ["203.0.113.7", "203.0.113.200"], origin: "manual", actor: "slack:U4", at: (T0 + 1) * 1000 });
    expect(rows("203.0.113.7")).toMatchObject([{ origin: "manual", actor: "slack:U4" }]);
    expect(rows("203.0.113.8")).toMatchObject([{ origin: "external" }]);
    // An hour and more later the window holds none of them: the note waits for its event.
    archive.note("web1", { jail: "sshd", ips: ["203.0.113.9"], origin: "manual", actor: "slack:U5", at: (T0 + 7_200) * 1000 });
    expect(rows("203.0.113.9")).toMatchObject([{ origin: "external" }]);
    const [later] = archive.add([ban("203.0.113.9", { origin: "external", failures: 0, at: (T0 + 7_201) * 1000, banTime: T0 + 7_201 })]);
    expect(later).toMatchObject({ origin: "manual", actor: "slack:U5" });
  });

  it("notes unbans separately from bans", () => {
    archive.note("web1", { jail: "sshd", ips: ["192.0.2.6"], origin: "manual", actor: "discord:1", at: T0 * 1000, kind: "unban" });
    archive.add([ban("192.0.2.6", { origin: "external", failures: 0 }), ban("192.0.2.6", { kind: "unban", origin: "external", at: (T0 + 2) * 1000 })]);
    expect(rows("192.0.2.6").map((e) => `${e.kind} ${e.origin}`)).toEqual(["unban manual", "ban external"]);
  });

  it("ignores a note far from the event's time", () => {
    archive.note("web1", { jail: "sshd", ips: ["192.0.2.7"], origin: "manual", at: (T0 - 7_200) * 1000 });
    archive.add([ban("192.0.2.7", { origin: "external", failures: 0 })]);
    expect(rows("192.0.2.7")).toMatchObject([{ origin: "external" }]);
  });

  it("purges events past the retention on every host, and stale notes", () => {
    const old = T0 - 400 * 86_400;
    archive.add([ban("192.0.2.8", { at: old * 1000, banTime: old }), ban("192.0.2.8", { host: "web2", at: old * 1000, banTime: old }), ban("192.0.2.9")]);
    archive.note("web1", { jail: "sshd", ips: ["192.0.2.10"], origin: "manual", at: (T0 - 2 * 86_400) * 1000 });
    expect(archive.purge({ now: T0 * 1000, retentionMs: 365 * 86_400_000 })).toBe(2);
    expect(queries.count({}, 100)).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM history_origin_notes").get()).toEqual({ n: 0 });
  });

  describe("rollups", () => {
    const DAY = 86_400;
    const day = (n: number, over: Partial<HistoryEvent> = {}) => ({ at: (T0 + n * DAY) * 1000, banTime: T0 + n * DAY, ...over });
    // What every rollup-backed answer must equal: the same count over the events themselves.
    const raw = (since: number) => ({
      addresses: (db.prepare("SELECT count(DISTINCT ip) AS n FROM history_events WHERE kind = 'ban' AND host = 'web1' AND at >= ?").get(since) as { n: number }).n,
      sshd: (db.prepare("SELECT count(DISTINCT ip) AS n FROM history_events WHERE kind = 'ban' AND host = 'web1' AND jail = 'sshd' AND at >= ?").get(since) as { n: number }).n,
      asns: db.prepare("SELECT asn, count(*) AS n FROM history_events WHERE kind = 'ban' AND host = 'web1' AND at >= ? GROUP BY asn ORDER BY n DESC, asn IS NULL, asn").all(since).map((r) => r as { asn: number | null; n: number }).map((r) => [r.asn === null ? undefined : String(r.asn), r.n]),
      jails: db.prepare("SELECT jail, count(*) AS n FROM history_events WHERE kind = 'ban' AND host = 'web1' AND at >= ? GROUP BY jail ORDER BY n DESC, jail").all(since).map((r) => r as { jail: string; n: number }).map((r) => [r.jail, r.n]),
      days: db.prepare("SELECT at - at % 86400 AS day, jail, count(*) AS n FROM history_events WHERE kind = 'ban' AND host = 'web1' AND at >= ? GROUP BY 1, 2 ORDER BY 1, 2").all(since).map((r) => r as { day: number; jail: string; n: number }).map((r) => [r.day * 1000, r.jail, r.n]),
    });
    const viaRollups = (since: number) => ({
      addresses: queries.addresses({ since: since * 1000 }),
      sshd: queries.addresses({ since: since * 1000, jail: "sshd" }),
      asns: queries.top("asn", { since: since * 1000 }, 100).map((r) => [r.key, r.bans]),
      jails: queries.top("jail", { since: since * 1000 }, 100).map((r) => [r.key, r.bans]),
      days: queries.timeline({ since: since * 1000 }, { size: DAY, offset: 0 }).map((p) => [p.at, p.jail, p.bans]),
    });
    const events = () => [
      ban("192.0.2.20", { ...day(-400), asn: 64500 }),
      ban("192.0.2.20", { ...day(-2), asn: 64500 }),
      ban("192.0.2.21", { ...day(-400), jail: "nginx", asn: 64501 }),
      ban("192.0.2.21", { ...day(-399), asn: 64501 }),
      ban("192.0.2.22", { ...day(-1.5), jail: "nginx" }),
      ban("192.0.2.22", { ...day(-0.5), kind: "unban", banTime: T0 - 1.5 * DAY }),
      ban("192.0.2.23", { ...day(-0.25), asn: 64500 }),
      // T0 is a Monday afternoon: a retention of 365 days cuts at the start of the Sunday before, so
      // the weekly network rollup keeps that one day of its week.
      ban("192.0.2.24", { ...day(-366.5), asn: 64502 }),
      ban("192.0.2.24", { ...day(-365.25), asn: 64502 }),
      ban("192.0.2.24", { ...day(-364.5), asn: 64502 }),
    ];

    it("count exactly what the events hold, through refreshes and purges", () => {
      archive.add(events());
      // The backfill rereads rows the action already reported: nothing may count twice.
      archive.add(events().map((e) => ({ ...e, banCount: 3 })), { refresh: true });
      for (const since of [T0 - 500 * DAY, T0 - 399 * DAY, T0 - 367 * DAY, T0 - 2 * DAY, T0 - DAY]) expect(viaRollups(since), `since ${since}`).toEqual(raw(since));
      expect(viaRollups(T0 - 500 * DAY)).toMatchObject({ addresses: 5, sshd: 4 });
      const weeksRolled = () => db.prepare("SELECT count(DISTINCT week) AS n FROM history_weekly_asn").get() as { n: number };
      expect(weeksRolled()).toEqual({ n: 0 });

      // The daily job rolls the weeks that are over up into the weekly network rollup, which then
      // answers for them; a ban backfilled into one of them is counted there too.
      expect(archive.purge({ now: T0 * 1000, retentionMs: 3650 * 86_400_000 })).toBe(0);
      expect(weeksRolled()).toEqual({ n: 5 });
      archive.add([ban("192.0.2.25", { ...day(-100), asn: 64502 }), ban("192.0.2.25", { ...day(-0.1), asn: 64502 })]);
      for (const since of [T0 - 500 * DAY, T0 - 399 * DAY, T0 - 367 * DAY, T0 - 2 * DAY]) expect(viaRollups(since), `since ${since} rolled up`).toEqual(raw(since));
      expect(viaRollups(T0 - 500 * DAY)).toMatchObject({ asns: expect.arrayContaining([["64502", 5]]) });

      expect(archive.purge({ now: T0 * 1000, retentionMs: 365 * 86_400_000 })).toBe(4);
      for (const since of [T0 - 500 * DAY, T0 - 371 * DAY, T0 - 2 * DAY]) expect(viaRollups(since), `since ${since} after purge`).toEqual(raw(since));
      expect(viaRollups(T0 - 500 * DAY)).toMatchObject({ addresses: 5, sshd: 4, asns: expect.arrayContaining([["64502", 4]]) });
      // A day later the cutoff is a Monday: that week stays whole, the one before goes.
      expect(archive.purge({ now: (T0 + DAY) * 1000, retentionMs: 365 * 86_400_000 })).toBe(1);
      for (const since of [T0 - 500 * DAY, T0 - 2 * DAY]) expect(viaRollups(since), `since ${since} after the second purge`).toEqual(raw(since));
      expect(viaRollups(T0 - 500 * DAY)).toMatchObject({ asns: expect.arrayContaining([["64502", 3]]) });
      // Nothing is left of an address whose every ban was purged.
      expect(db.prepare("SELECT count(*) AS n FROM history_addresses WHERE ip = '192.0.2.21'").get()).toEqual({ n: 0 });
    });

    it("are built from the events an archive already holds when the store is upgraded", () => {
      const before = mkdtempSync(join(tmpdir(), "bb-0009-"));
      const old = openDatabase(":memory:");
      try {
        for (const file of readdirSync(migrationsDir()).filter((f) => f < "0010")) copyFileSync(join(migrationsDir(), file), join(before, file));
        migrate(old, before);
        // As the archive of a BanBot before these rollups wrote them.
        const insert = old.prepare("INSERT INTO history_events (host, jail, ip, kind, at, ban_time, origin, asn) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        for (const e of events()) insert.run(e.host, e.jail, e.ip, e.kind, e.at / 1000, e.banTime, e.origin, e.asn ?? null);
        migrate(old, migrationsDir());
        [db, queries] = [old, createHistoryQueries(old, { host: "web1" })];
        for (const since of [T0 - 500 * DAY, T0 - 2 * DAY]) expect(viaRollups(since), `since ${since}`).toEqual(raw(since));
      } finally {
        rmSync(before, { recursive: true, force: true });
      }
    });
  });
});
