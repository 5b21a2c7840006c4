import type { Database } from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HistoryEvent } from "../../src/core/history/event.js";
import { createHistoryArchive } from "../../src/store/history-archive.js";
import { createHistoryQueries } from "../../src/store/history-queries.js";
import type { HistoryQueries } from "../../src/core/ports/history-queries.js";
import { migratedStore } from "../harness/store.js";

const DAY = 86_400;
const T0 = 1_789_948_800; // a Monday, 00:00 UTC
const ev = (ip: string, day: number, over: Partial<HistoryEvent> = {}): HistoryEvent => ({
  host: "web1",
  jail: "sshd",
  ip,
  kind: "ban",
  at: (T0 + day * DAY) * 1000,
  banTime: T0 + day * DAY,
  origin: "fail2ban",
  ...over,
});

describe("createHistoryQueries", () => {
  let db: Database;
  let q: HistoryQueries;
  const ms = (day: number) => (T0 + day * DAY) * 1000;

  beforeAll(() => {
    db = migratedStore();
    createHistoryArchive(db).add([
      ev("192.0.2.1", 0, { country: "CN", asn: 4134, asOrg: "Chinanet" }),
      ev("192.0.2.1", 1, { country: "CN", asn: 4134, asOrg: "Chinanet", matches: "FAIL one" }),
      ev("192.0.2.1", 2, { jail: "nginx", country: "CN", asn: 4134, matches: "GET /wp-login.php" }),
      ev("192.0.2.1", 2.5, { kind: "unban", jail: "nginx", banTime: T0 + 2 * DAY }),
      ev("192.0.2.2", 2, { country: "US", asn: 15169, asOrg: "Google" }),
      ev("192.0.2.3", 3),
      ev("192.0.2.4", 9, { jail: "nginx", country: "US" }),
      ev("192.0.2.5", 9, { host: "web2", country: "DE" }),
      ...Array.from({ length: 30 }, (_, i) => ev(`198.51.100.${i}`, 10 + i / 100, { jail: "postfix" })),
    ]);
    q = createHistoryQueries(db, { host: "web1" });
  });
  afterAll(() => db.close());

  it("pages newest first with cursors that neither skip nor repeat", () => {
    const first = q.events({}, { limit: 15 });
    const second = q.events({}, { limit: 15, after: first.at(-1)!.id });
    const third = q.events({}, { limit: 15, after: second.at(-1)!.id });
    const all = [...first, ...second, ...third].map((e) => e.id);
    expect(new Set(all).size).toBe(37);
    expect(first[0]!.at).toBe(ms(10.29));
    expect(q.events({}, { limit: 15, before: second[0]!.id }).map((e) => e.id)).toEqual(first.map((e) => e.id));
    expect(q.count({ newerThan: third[0]!.id }, 100)).toBe(30);
    expect(q.events({}, { limit: 15, after: 999_999 })).toEqual([]);
  });

  it("filters by address, jail and time, and caps counts", () => {
    expect(q.events({ ip: "192.0.2.1" }, { limit: 10 }).map((e) => `${e.jail} ${e.kind}`)).toEqual(["nginx unban", "nginx ban", "sshd ban", "sshd ban"]);
    const [newest, ...older] = q.events({ ip: "192.0.2.1" }, { limit: 10 });
    expect(q.events({ ip: "192.0.2.1" }, { limit: 2, after: newest!.id })).toEqual(older.slice(0, 2));
    expect(q.count({ ip: "192.0.2.1", newerThan: older[1]!.id }, 10)).toBe(2);
    expect(q.events({ ip: "192.0.2.1", jail: "sshd", since: ms(1) }, { limit: 10 })).toHaveLength(1);
    expect(q.count({ jail: "postfix" }, 10)).toBe(10);
    expect(q.count({ ip: "192.0.2.5" }, 10)).toBe(0);
  });

  it("ranks countries, addresses, jails and networks over bans in a window", () => {
    const since = { since: ms(0) };
    expect(q.top("country", since, 3)).toEqual([
      { key: undefined, bans: 31, lastAt: ms(10.29) },
      { key: "CN", bans: 3, lastAt: ms(2) },
      { key: "US", bans: 2, lastAt: ms(9) },
    ]);
    expect(q.top("ip", { since: ms(0), jail: "sshd" }, 2)).toEqual([
      { key: "192.0.2.1", bans: 2, lastAt: ms(1), country: "CN" },
      { key: "192.0.2.2", bans: 1, lastAt: ms(2), country: "US" },
    ]);
    expect(q.top("jail", { since: ms(2) }, 5).map((r) => [r.key, r.bans])).toEqual([["postfix", 30], ["nginx", 2], ["sshd", 2]]);
    expect(q.top("asn", { since: ms(0) }, 5).map((r) => [r.key, r.bans])).toEqual([[undefined, 32], ["4134", 3], ["15169", 1]]);
    expect(q.asOrg(4134)).toBe("Chinanet");
    expect(q.asOrg(64512)).toBeUndefined();
  });

  it("counts bans per bucket and jail, and totals a window", () => {
    expect(q.timeline({ since: ms(0), until: ms(7) }, { size: 7 * DAY, offset: 4 * DAY })).toEqual([
      { at: ms(0), jail: "nginx", bans: 1 },
      { at: ms(0), jail: "sshd", bans: 4 },
    ]);
    expect(q.timeline({ since: ms(9), jail: "nginx" }, { size: DAY, offset: 0 })).toEqual([{ at: ms(9), jail: "nginx", bans: 1 }]);
    expect([q.bans({ since: ms(0) }), q.addresses({ since: ms(0) })]).toEqual([36, 34]);
  });

  it("adds whole days from the rollup and part days from the events, exactly as counting every ban would", () => {
    const raw = (since: number, until: number, by: "country" | "jail") =>
      Object.fromEntries(
        (db.prepare(`SELECT coalesce(${by}, '') AS k, count(*) AS n FROM history_events WHERE kind = 'ban' AND host = 'web1' AND at >= ? AND at < ? GROUP BY k`).all(since, until) as { k: string; n: number }[]).map((r) => [r.k, r.n]),
      );
    for (const [from, to] of [[-0.5, 20], [0.25, 2.75], [1, 2], [2.1, 2.9], [9.5, 10.1], [0, 10.005]] as const) {
      for (const by of ["country", "jail"] as const) {
        const viaRollup = Object.fromEntries(q.top(by, { since: ms(from), until: ms(to) }, 100).map((r) => [r.key ?? "", r.bans]));
        expect(viaRollup, `${by} ${from}–${to}`).toEqual(raw(T0 + from * DAY, T0 + to * DAY, by));
      }
      expect(q.bans({ since: ms(from), until: ms(to) })).toBe(Object.values(raw(T0 + from * DAY, T0 + to * DAY, "jail")).reduce((a, b) => a + b, 0));
    }
  });

  const raw = (sql: string, ...params: number[]) => db.prepare(sql).all(...params) as { k: number | null; n: number }[];
  // Days 0 and 7 are Mondays: windows over whole weeks, days and part days, with and without an end.
  const WINDOWS = [[-0.5, 20], [0.25, 2.75], [1, 2], [2.1, 2.9], [9.5, 10.1], [0, 10.005], [1, 14], [0, 7], [-7, 7.5]] as const;
  const expectNetworksExact = (when: string) => {
    for (const [from, to] of WINDOWS) {
      for (const [end, jail] of [[T0 + to * DAY, undefined], [undefined, undefined], [T0 + to * DAY, "sshd"], [undefined, "postfix"]] as const) {
        const byAsn = raw(
          `SELECT asn AS k, count(*) AS n FROM history_events WHERE kind = 'ban' AND host = 'web1' AND at >= ? AND at < ?${jail ? ` AND jail = '${jail}'` : ""} GROUP BY asn`,
          T0 + from * DAY,
          end ?? 2 ** 40,
        );
        expect(q.top("asn", { since: ms(from), until: end && ms(to), jail }, 100).map((r) => [r.key, r.bans]), `${when} ${from}–${end ? to : ""} ${jail ?? ""}`).toEqual(
          byAsn.sort((a, b) => b.n - a.n || (a.k === null ? 1 : b.k === null ? -1 : a.k - b.k)).map((r) => [r.k === null ? undefined : String(r.k), r.n]),
        );
      }
    }
  };

  it("ranks networks and counts distinct addresses from the rollups exactly as counting every ban would", () => {
    expectNetworksExact("daily");
    for (const [from, to] of WINDOWS) {
      const [since, until] = [T0 + from * DAY, T0 + to * DAY];
      for (const jail of [undefined, "sshd", "postfix", "nginx"]) {
        const { n } = raw(`SELECT 0 AS k, count(DISTINCT ip) AS n FROM history_events WHERE kind = 'ban' AND host = 'web1' AND at >= ?${jail ? ` AND jail = '${jail}'` : ""}`, since)[0]!;
        expect(q.addresses({ since: ms(from), jail }), `${jail ?? "all"} since ${from}`).toBe(n);
        const { n: bounded } = raw(`SELECT 0 AS k, count(DISTINCT ip) AS n FROM history_events WHERE kind = 'ban' AND host = 'web1' AND at >= ? AND at < ?${jail ? ` AND jail = '${jail}'` : ""}`, since, until)[0]!;
        expect(q.addresses({ since: ms(from), until: ms(to), jail }), `${jail ?? "all"} ${from}–${to}`).toBe(bounded);
      }
    }
  });

  it("summarises one address: first and last ban, per jail, latest log lines, where it was", () => {
    expect(q.ipSummary("192.0.2.1")).toEqual({
      bans: 3,
      unbans: 1,
      first: ms(0),
      last: ms(2),
      perJail: [
        { jail: "sshd", bans: 2, last: ms(1) },
        { jail: "nginx", bans: 1, last: ms(2) },
      ],
      recentMatches: [
        { at: ms(2), jail: "nginx", matches: "GET /wp-login.php" },
        { at: ms(1), jail: "sshd", matches: "FAIL one" },
      ],
      country: "CN",
      asn: 4134,
    });
    expect(q.ipSummary("203.0.113.9")).toEqual({ bans: 0, unbans: 0, perJail: [], recentMatches: [] });
  });

  it("ranks networks from whole weeks once they are rolled up, and counts bans backfilled into them", () => {
    const archive = createHistoryArchive(db);
    // The daily job on day 15 rolls up the weeks of days 0 and 7.
    archive.purge({ now: ms(15), retentionMs: 3650 * DAY * 1000 });
    expect(db.prepare("SELECT DISTINCT week FROM history_weekly_asn WHERE host = 'web1' ORDER BY week").pluck().all()).toEqual([T0, T0 + 7 * DAY]);
    expectNetworksExact("rolled up");
    archive.add([ev("192.0.2.1", 4.5, { asn: 4134 }), ev("192.0.2.9", 12, { jail: "postfix", asn: 64500 }), ev("192.0.2.9", 16, { asn: 64500 })]);
    expectNetworksExact("backfilled");
  });

  it("answers aggregates from the covering index alone, and address lookups by index", () => {
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join("; ");
    expect(plan("SELECT country, count(*) FROM history_events WHERE kind = 'ban' AND host = 'web1' AND at >= 0 GROUP BY country")).toMatch(
      /USING COVERING INDEX history_events_at/,
    );
    const byIp = plan("SELECT * FROM history_events INDEXED BY history_events_key WHERE host = 'web1' AND ip = 'x' ORDER BY at DESC, id DESC LIMIT 15");
    expect(byIp).toMatch(/USING INDEX history_events_key \(host=\? AND ip=\?\)/);
    // The bans without a country, from the index that holds only them.
    expect(plan("SELECT ip, count(*), max(at) FROM history_events INDEXED BY history_events_unplaced WHERE kind = 'ban' AND host = 'web1' AND at >= 0 AND jail = 'sshd' AND country IS NULL GROUP BY ip")).toMatch(
      /USING COVERING INDEX history_events_unplaced \(host=\? AND at>\?\)/,
    );
  });
});
