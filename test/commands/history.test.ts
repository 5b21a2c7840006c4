import type { Database } from "better-sqlite3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { history as historyCommand } from "../../commands/history.js";
import { stats } from "../../commands/stats.js";
import { top } from "../../commands/top.js";
import type { CommandDef } from "../../src/core/command/model.js";
import { parseCommandLine } from "../../src/core/command/parse.js";
import type { HistoryEvent } from "../../src/core/history/event.js";
import type { History } from "../../src/core/history/history.js";
import { historySection } from "../../src/core/history/ip-section.js";
import { CONSOLE_IDENTITY } from "../../src/core/identity.js";
import type { Reply } from "../../src/core/reply.js";
import { createHistoryArchive } from "../../src/store/history-archive.js";
import { TestClock } from "../harness/banbot.js";
import { historyOn } from "../harness/history.js";
import { migratedStore } from "../harness/store.js";

const HOUR = 3_600;
const DAY = 86_400;
const clock = new TestClock(); // 2026-11-22 09:00 UTC
const NOW = clock.now() / 1000;

const ev = (ip: string, secondsAgo: number, over: Partial<HistoryEvent> = {}): HistoryEvent => ({
  host: "test-host",
  jail: "sshd",
  ip,
  kind: "ban",
  at: (NOW - secondsAgo) * 1000,
  banTime: NOW - secondsAgo,
  banSeconds: 600,
  banCount: 1,
  failures: 5,
  origin: "fail2ban",
  ...over,
});

// The history commands on a real archive (SQLite in memory), run as the dispatcher would: parsed
// from a typed line, with a fixed clock.
describe("history, top and stats", () => {
  let db: Database;
  let archive: History;
  const run = (line: string): Promise<Reply> => {
    const { command, values } = parseCommandLine([historyCommand, top, stats], line);
    // The jails fail2ban runs now; "retired" only has events in the archive.
    const fail2ban = { status: () => Promise.resolve({ jails: ["sshd", "nginx", "postfix"] }) };
    const ctx = { history: archive, fail2ban, clock, actor: CONSOLE_IDENTITY };
    return (command as unknown as CommandDef<never, typeof ctx>).run(values, ctx);
  };

  // A fresh archive for each test: one of them archives an event the others do not expect.
  beforeEach(() => {
    db = migratedStore();
    archive = historyOn(db, { now: () => clock.now() });
    createHistoryArchive(db).add([
      ev("192.0.2.1", 40 * DAY, { country: "CN" }),
      ev("192.0.2.1", 2 * HOUR, { country: "CN", asn: 4134, asOrg: "Chinanet", matches: "FAIL login from 192.0.2.1" }),
      ev("192.0.2.1", 2 * HOUR - 60, { kind: "unban", banTime: NOW - 2 * HOUR, origin: "manual", actor: "slack:U01ADMIN" }),
      ev("192.0.2.2", 3 * DAY, { jail: "nginx", country: "US", asn: 15169, asOrg: "Google", banSeconds: -1, banCount: 3 }),
      ev("192.0.2.3", 5 * HOUR, { origin: "blocklist:spamhaus", failures: 0, country: "CN" }),
      ...Array.from({ length: 20 }, (_, i) => ev(`198.51.100.${i}`, 10 * DAY + i * 60, { jail: "postfix", country: "DE" })),
    ]);
  });
  afterEach(() => db.close());

  it("history lists events newest first, with why they happened and buttons to an address's history", async () => {
    const reply = await run("history 7d");
    expect(reply.title).toBe("Ban history, last 7d");
    expect(reply.table?.columns).toEqual(["when", "event", "address", "jail", "ban", "why"]);
    expect(reply.table?.rows).toEqual([
      ["2026-11-22 07:01 UTC", "unban", "192.0.2.1", "sshd", "", "BanBot (slack:U01ADMIN)"],
      ["2026-11-22 07:00 UTC", "ban", "192.0.2.1", "sshd", "10m", "filter, 5 failures"],
      ["2026-11-22 04:00 UTC", "ban", "192.0.2.3", "sshd", "10m", "blocklist spamhaus"],
      ["2026-11-19 09:00 UTC", "ban", "192.0.2.2", "nginx", "permanent (ban #3)", "filter, 5 failures"],
    ]);
    expect(reply.table?.rowActions?.[0]).toEqual({ label: "History", command: "history 192.0.2.1" });
    expect(reply.paging).toMatchObject({ page: 1, pages: 1, total: 4 });
  });

  it("history of one address leaves the address out and reaches past fail2ban's purge", async () => {
    const reply = await run("history 192.0.2.1");
    expect(reply.title).toBe("Ban history of 192.0.2.1");
    expect(reply.table?.rows.map((r) => r.slice(0, 3))).toEqual([
      ["2026-11-22 07:01 UTC", "unban", "sshd"],
      ["2026-11-22 07:00 UTC", "ban", "sshd"],
      ["2026-10-13 09:00 UTC", "ban", "sshd"],
    ]);
    expect(reply.table?.rowActions).toBeUndefined();
  });

  it("history takes a time and a jail in either order, and pages with Next and Prev", async () => {
    expect((await run("history postfix 30d")).title).toBe("Ban history in postfix, last 30d");
    const first = await run("history 30d postfix");
    expect(first.paging).toMatchObject({ page: 1, pages: 2, total: 20 });
    expect(first.paging?.next?.command).toMatch(/^history 30d postfix after \d+$/);
    const second = await run(first.paging!.next!.command);
    expect(second.paging).toMatchObject({ page: 2, pages: 2 });
    expect(second.table?.rows).toHaveLength(5);
    expect(second.paging?.next).toBeUndefined();
    const back = await run(second.paging!.prev!.command);
    expect(back.table?.rows).toEqual(first.table?.rows);
    expect((await run("history 203.0.113.99")).title).toBe("No ban history of 203.0.113.99");
    await expect(Promise.resolve().then(() => run("history after nonsense"))).rejects.toThrow(/`after` expects a whole number/);
    expect((await run("history after 999999")).title).toBe("Ban history: that page is past the end");
  });

  it("top countries ranks bans with their share, and attaches a chart", async () => {
    const reply = await run("top countries");
    expect(reply.title).toBe("Top countries, last 30d");
    expect(reply.table?.columns).toEqual(["#", "country", "bans", "share", "last banned"]);
    expect(reply.table?.rows).toEqual([
      [1, "DE Germany", 20, "87.0%", "2026-11-12 09:00 UTC"],
      [2, "CN China", 2, "8.7%", "2026-11-22 07:00 UTC"],
      [3, "US United States", 1, "4.3%", "2026-11-19 09:00 UTC"],
    ]);
    expect(reply.images).toHaveLength(1);
    expect(reply.images?.[0]).toMatchObject({ name: "top-countries.png", width: 1280 });
    expect(reply.images?.[0]?.alt).toContain("DE Germany 20");
  });

  it("top ips, jails and asns, narrowed to a jail or a time", async () => {
    const ips = await run("top ips 7d sshd");
    expect(ips.table?.rows.map((r) => r.slice(0, 4))).toEqual([
      [1, "192.0.2.1", "CN China", 1],
      [2, "192.0.2.3", "CN China", 1],
    ]);
    expect(ips.table?.rowActions?.[0]).toEqual({ label: "History", command: "history 192.0.2.1" });
    expect((await run("top jails")).table?.rows.map((r) => r[1])).toEqual(["postfix", "sshd", "nginx"]);
    const asns = await run("top asns");
    expect(asns.table?.rows.map((r) => r[1])).toEqual(["unknown", "AS4134 Chinanet", "AS15169 Google"]);
    // What "unknown" means is said, with where AS numbers come from; a window of known ones needs no note.
    expect(asns.notes).toEqual([
      "unknown: no geo database named an AS for the addresses of 21 of 23 bans when they were banned. AS numbers come from a GeoLite2-ASN file or the built-in ASN table (geo.builtin_asn; docs/geo.md).",
    ]);
    expect((await run("top asns 3d nginx")).notes).toBeUndefined();
    expect((await run("top asns 6h")).notes?.[0]).toMatch(/^unknown: no geo database named an AS for the addresses of 1 of 2 bans /);
    expect((await run("top ips 1h")).title).toBe("No bans in the last 1h");
  });

  it("stats charts bans per day by jail and sums them up", async () => {
    const reply = await run("stats 14d");
    expect(reply.title).toBe("Bans, last 14d");
    expect(reply.fields).toEqual([
      { label: "Bans", value: "23" },
      { label: "Addresses", value: "23" },
      { label: "Busiest day", value: "2026-11-12: 20 bans" },
      { label: "Per jail", value: "postfix 20, sshd 2, nginx 1" },
    ]);
    expect(reply.images?.[0]).toMatchObject({ name: "bans-over-time.png", width: 1280, height: 740 });
    const day = await run("stats 24h sshd");
    expect(day.fields?.[0]).toEqual({ label: "Bans", value: "2" });
    expect(day.fields?.map((f) => f.label)).toEqual(["Bans", "Addresses", "Busiest hour"]);
    expect((await run("stats 1h")).title).toBe("No bans in the last 1h");
  });

  it("compares the bans with the same span before", async () => {
    expect((await run("stats 30d")).fields?.[0]).toEqual({ label: "Bans", value: "23 (+2200% on the 30d before)" });
    expect((await run("stats 5d")).fields?.[0]).toEqual({ label: "Bans", value: "3 (-85% on the 5d before)" });
  });

  it("gives `ip` its history section", () => {
    expect(historySection(archive, "192.0.2.1", clock.now())).toEqual([
      { label: "First banned", value: "2026-10-13 09:00 UTC (40d ago)" },
      { label: "Last banned", value: "2026-11-22 07:00 UTC (2h ago)" },
      { label: "Bans per jail", value: "sshd: 2" },
      { label: "Seen from", value: "CN China, AS4134 Chinanet" },
      { label: "Log lines (sshd, 2026-11-22 07:00 UTC)", value: "FAIL login from 192.0.2.1" },
    ]);
    expect(historySection(archive, "203.0.113.1", clock.now())).toEqual([{ label: "History", value: "never banned, as far as the archive goes" }]);
  });

  it("answers for a jail only the archive knows, and refuses a jail filter that names nothing", async () => {
    const refused = (line: string) => run(line).then(() => "answered", (err: Error) => err.message);
    for (const line of ["history retired", "stats 7x", "top ips 30d retired"]) {
      expect(await refused(line)).toMatch(/^No jail named (retired|7x): fail2ban runs none and the ban history has none\.$/);
    }
    createHistoryArchive(db).add([ev("192.0.2.9", HOUR, { jail: "retired" })]);
    expect((await run("history retired")).table?.rows).toHaveLength(1);
    expect((await run("stats 24h retired")).title).toBe("Bans, last 1d in retired");
    expect((await run("top ips 30d nginx")).title).toBe("Top ips, last 30d in nginx");
  });
});

// Geo never looks special ranges up, so their bans carry no country: `top` labels them as `ip` does.
describe("top countries and ips for addresses of no country", () => {
  let db: Database;
  const run = (line: string): Promise<Reply> => {
    const { command, values } = parseCommandLine([top], line);
    const ctx = { history: historyOn(db, { now: () => clock.now() }), fail2ban: { status: () => Promise.resolve({ jails: ["sshd"] }) }, clock, actor: CONSOLE_IDENTITY };
    return (command as unknown as CommandDef<never, typeof ctx>).run(values, ctx);
  };

  beforeAll(() => {
    db = migratedStore();
    createHistoryArchive(db).add([
      ...Array.from({ length: 4 }, (_, i) => ev(`203.0.113.${i + 1}`, HOUR + i)),
      ...Array.from({ length: 3 }, (_, i) => ev(`10.0.0.${i + 1}`, 2 * HOUR + i)),
      ev("10.0.0.1", 3 * HOUR),
      ev("8.8.8.8", 5 * HOUR),
      ev("81.2.69.170", 6 * HOUR, { country: "GB" }),
      ev("81.2.69.171", 6 * HOUR, { country: "GB" }),
    ]);
  });
  afterAll(() => db.close());

  it("top countries ranks special ranges by their label and keeps the rest unknown", async () => {
    const reply = await run("top countries");
    expect(reply.table?.rows.map((r) => r.slice(1, 3))).toEqual([
      ["documentation range", 4],
      ["private network", 4],
      ["GB United Kingdom", 2],
      ["unknown", 1],
    ]);
    expect(reply.table?.rows[3]?.[4]).toBe("2026-11-22 04:00 UTC");
    expect(reply.images?.[0]?.alt).toContain("documentation range 4, private network 4, GB United Kingdom 2, unknown 1");
  });

  it("top ips names the range of an address of no country", async () => {
    const reply = await run("top ips");
    expect(reply.table?.rows.slice(0, 2).map((r) => r.slice(1, 4))).toEqual([
      ["10.0.0.1", "private network", 2],
      ["10.0.0.2", "private network", 1],
    ]);
    expect(reply.table?.rows.find((r) => r[1] === "8.8.8.8")?.[2]).toBe("unknown");
    expect(reply.table?.rows.find((r) => r[1] === "203.0.113.1")?.[2]).toBe("documentation range");
  });
});
