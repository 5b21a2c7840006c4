import type { Database } from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HistoryEvent } from "../../src/core/history/event.js";
import { createHistoryArchive, type HistoryArchive } from "../../src/store/history-archive.js";
import { createHistoryQueries, type HistoryQueries } from "../../src/store/history-queries.js";
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
});
