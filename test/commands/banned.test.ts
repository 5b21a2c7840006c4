import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Fail2ban } from "../../src/core/ports/fail2ban.js";
import type { Fail2banConnection } from "../../src/core/fail2ban/connection.js";
import type { BanEntry } from "../../src/core/fail2ban/parse.js";
import type { Cell, Reply } from "../../src/core/reply.js";
import { formatRelative, formatTime } from "../../src/core/time-format.js";
import { useBanBot } from "../harness/banbot.js";
import { useClients } from "../harness/client.js";
import { holdWriteLock } from "../harness/store-lock.js";

// Up to 256 addresses in a /24: `range(3, "198.18.1")` is 198.18.1.0 to 198.18.1.2.
const range = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}.${i}`);

// What fail2ban itself says, through an independent connection: its list with times, latest end first.
async function truth(fail2ban: Pick<Fail2ban, "bans">, jail: string): Promise<BanEntry[]> {
  return (await fail2ban.bans(jail)).reverse();
}

// Bans in groups under different jail ban times, so the list has different ends.
async function banInGroups(conn: Fail2banConnection, jail: string, groups: readonly (readonly [readonly string[], number])[]): Promise<void> {
  try {
    for (const [ips, bantime] of groups) {
      await conn.send(["set", jail, "bantime", String(bantime)]);
      await conn.send(["set", jail, "banip", ...ips]);
    }
  } finally {
    await conn.send(["set", jail, "bantime", "3600"]);
  }
}

// fail2ban writes a ban to its database a moment after `banip` answers (its actions thread does):
// until then BanBot rightly falls back to the whole list with times, which these tests count.
// `since` (seconds) tells a ban made again from the row of the one before it.
async function recorded(dbPath: string, jail: string, ips: readonly string[], since = 0): Promise<void> {
  await vi.waitFor(() => {
    const db = new BetterSqlite3(dbPath, { readonly: true, fileMustExist: true });
    try {
      const have = new Set(db.prepare("SELECT ip FROM bips WHERE jail = ? AND timeofban >= ?").pluck().all(jail, since) as string[]);
      expect(ips.filter((ip) => !have.has(ip))).toEqual([]);
    } finally {
      db.close();
    }
  }, { timeout: 10_000, interval: 50 });
}

/**
 * The rows' addresses, each followed by what differs from fail2ban's entry for it, if anything.
 * fail2ban's database and actions round a ban's start to the second, `--with-time` truncates it:
 * either second is the same ban.
 */
function compared(rows: readonly (readonly Cell[])[], expected: readonly BanEntry[], now: number): string[] {
  return rows.map((r, i) => {
    const b = expected[i];
    if (!b || r[0] !== b.ip) return `${r[0]} where fail2ban has ${b?.ip}`;
    const seconds = [0, 1000].map((d) => ({
      start: formatTime(b.start!.getTime() + d),
      end: b.end ? formatRelative(b.end.getTime() + d, now) : b.banSeconds === -1 ? "never" : "unknown",
    }));
    return seconds.some((s) => s.start === r[2] && s.end === r[3]) ? b.ip : `${b.ip}: ${r[2]} / ${r[3]}, fail2ban says ${seconds[0]!.start} / ${seconds[0]!.end}`;
  });
}

describe("banned, with the capture running", () => {
  const bot = useBanBot({ capture: true });
  const connect = useClients();
  afterEach(() => connect(bot.sandbox.socketPath).fail2ban.unbanAll());

  it("pages through fail2ban's own order with its times, asking times for no more than the rows shown", async () => {
    const { fail2ban } = connect(bot.sandbox.socketPath);
    // Two ban commands: within each every address has the same end, and only fail2ban's order tells them apart.
    await fail2ban.ban("alpha", range(90, "198.18.2"));
    await fail2ban.ban("alpha", [...range(80, "198.18.1"), ...range(5, "198.18.3")]);
    // The capture tells the index about every ban as it happens.
    await vi.waitFor(() => expect(bot.core.services.history.count({ jail: "alpha" }, 1000)).toBe(175), { timeout: 10_000, interval: 50 });
    const expected = await truth(fail2ban, "alpha");
    // Ends are shown to the second from BanBot's "now": the same moment for every page as for the test.
    const now = bot.clock.hold();

    let reply: Reply = await bot.run("banned alpha");
    expect(reply.title).toBe("175 banned in alpha");
    expect(reply.paging).toMatchObject({ page: 1, pages: 12, total: 175 });
    const rows = [...reply.table!.rows];
    while (reply.paging?.next) {
      reply = await bot.run(reply.paging.next.command);
      rows.push(...reply.table!.rows);
    }
    expect(compared(rows, expected, now)).toEqual(expected.map((b) => b.ip));
    const back = await bot.run(reply.paging!.prev!.command);
    expect(compared(back.table!.rows, expected.slice(150, 165), now)).toEqual(expected.slice(150, 165).map((b) => b.ip));
    const found = await bot.run("banned alpha 198.18.2.1");
    const matching = expected.filter((b) => b.ip.includes("198.18.2.1"));
    expect(compared(found.table!.rows, matching, now)).toEqual(matching.map((b) => b.ip));

    // Every time came from the index the capture keeps: neither the whole list with times nor
    // fail2ban's database was asked.
    expect(await bot.roundTrips("get banip --with-time")).toBe(0);
    expect(await bot.roundTrips("get dbfile")).toBe(0);
  });
});

describe("banned, without the capture", () => {
  const bot = useBanBot();
  const connect = useClients();
  afterEach(() => connect(bot.sandbox.socketPath).fail2ban.unbanAll());

  it("reads the shown rows' times from fail2ban's database, and never shows an address unbanned elsewhere", async () => {
    const { fail2ban, conn } = connect(bot.sandbox.socketPath);
    // The core is the file's: another test may have asked for the times already.
    const withTimeBefore = await bot.roundTrips("get banip --with-time");
    await fail2ban.ban("alpha", range(30, "203.0.113"));
    await fail2ban.ban("alpha", range(10, "198.51.100"));
    await recorded(bot.sandbox.dbPath, "alpha", [...range(30, "203.0.113"), ...range(10, "198.51.100")]);
    const first = await bot.run("banned alpha");
    const expected = await truth(fail2ban, "alpha");
    expect(compared(first.table!.rows, expected, bot.clock.now())).toEqual(expected.slice(0, 15).map((b) => b.ip));

    // Lifted with fail2ban's own command, not through BanBot: gone from the page at once.
    const lifted = first.table!.rows.slice(0, 4).map((r) => String(r[0]));
    await conn.send(["set", "alpha", "unbanip", ...lifted]);
    const after = await bot.run("banned alpha");
    expect(after.title).toBe("36 banned in alpha");
    expect(after.table!.rows.map((r) => r[0])).toEqual(expected.slice(4, 19).map((b) => b.ip));

    // Banned again: shown first, with the new ban's times.
    await fail2ban.ban("alpha", [lifted[0]!]);
    const again = await truth(fail2ban, "alpha");
    await recorded(bot.sandbox.dbPath, "alpha", [lifted[0]!], Math.floor(again.find((b) => b.ip === lifted[0])!.start!.getTime() / 1000));
    const [top] = (await bot.run("banned alpha")).table!.rows;
    expect(compared([top!], again, bot.clock.now())).toEqual([lifted[0]]);
    expect(await bot.roundTrips("get banip --with-time")).toBe(withTimeBefore);
  });

  it("takes the times from fail2ban's own list while another process keeps fail2ban's database locked", async () => {
    const { fail2ban } = connect(bot.sandbox.socketPath);
    await fail2ban.ban("alpha", range(5, "192.0.2"));
    await recorded(bot.sandbox.dbPath, "alpha", range(5, "192.0.2"));
    const expected = await truth(fail2ban, "alpha");
    const withTimeBefore = await bot.roundTrips("get banip --with-time");
    // Longer than BanBot waits for it (2 s): as when fail2ban's own commit is held up on a busy machine.
    const lock = holdWriteLock(bot.sandbox.dbPath, 4_000, { exclusive: true });
    await lock.locked;
    const page = await bot.run("banned alpha");
    await lock.released;
    expect(page.title).toBe("5 banned in alpha");
    expect(compared(page.table!.rows, expected, bot.clock.now())).toEqual(expected.map((b) => b.ip));
    expect(await bot.roundTrips("get banip --with-time")).toBe(withTimeBefore + 1);
  });

  it("shows the ends fail2ban will keep after the jail's ban time changed, and of a ban banned again for longer", async () => {
    const { fail2ban, conn } = connect(bot.sandbox.socketPath);
    // A ban without a time of its own ends by the jail's current ban time; banning an address again
    // for longer moves its end in fail2ban's memory only. Neither reaches its database.
    await banInGroups(conn, "alpha", [
      [range(3, "192.0.2"), 5400],
      [["198.51.100.7"], 3700],
      [["192.0.2.1"], 9000],
    ]);
    const expected = await truth(fail2ban, "alpha");
    expect(expected.map((b) => [b.ip, b.banSeconds])).toEqual([
      ["192.0.2.1", expect.any(Number)],
      ["198.51.100.7", 3600],
      ["192.0.2.2", 3600],
      ["192.0.2.0", 3600],
    ]);
    const reply = await bot.run("banned alpha");
    expect(reply.table, JSON.stringify(reply)).toBeDefined();
    expect(compared(reply.table!.rows, expected, bot.clock.now())).toEqual(expected.map((b) => b.ip));
  });

  it("continues from the page's edge even when the addresses there were unbanned meanwhile", async () => {
    const { fail2ban, conn } = connect(bot.sandbox.socketPath);
    // One ban command: every address has the same end, and only fail2ban's order tells them apart.
    await fail2ban.ban("alpha", range(60, "198.18.5"));
    const expected = (await truth(fail2ban, "alpha")).map((b) => b.ip);
    const first = await bot.run("banned alpha");
    const second = await bot.run(first.paging!.next!.command);
    await conn.send(["set", "alpha", "unbanip", expected[14]!, expected[15]!]);
    const next = await bot.run(first.paging!.next!.command);
    expect(next.table!.rows.map((r) => r[0])).toEqual(expected.slice(16, 31));
    // Fewer than a page before the edge: back to the first page.
    const back = await bot.run(second.paging!.prev!.command);
    expect(back.table!.rows.map((r) => r[0])).toEqual([...expected.slice(0, 14), expected[16]]);
    // Both edge rows gone: the place is found by end of ban, and nothing after it is skipped.
    await conn.send(["set", "alpha", "unbanip", expected[13]!]);
    const last = await bot.run(first.paging!.next!.command);
    expect(last.table!.rows.map((r) => r[0])).toContain(expected[16]);
  });
});
