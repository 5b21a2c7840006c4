import { describe, expect, it } from "vitest";
import { InstanceLock } from "../../src/store/instance-lock.js";
import { useFakeBanBot } from "../harness/fake-banbot.js";

describe("viewer commands", () => {
  const bot = useFakeBanBot();

  it("status says fail2ban is up, with its jails and counts", async () => {
    await bot.fail2ban.ban("alpha", ["192.0.2.101", "192.0.2.102"]);
    const reply = await bot.run("status");
    expect(reply.title).toMatch(/^fail2ban 1\.\d+\.\d+ is up on /);
    expect(reply.fields).toEqual([
      { label: "Jails", value: "2 (alpha, beta)" },
      { label: "Banned now", value: "2" },
      { label: "Banned since start", value: "2" },
      { label: "Background jobs", value: "not running: no `banbot start` process holds the job lock" },
      { label: "Spike detection", value: "not watched: no `banbot start` process runs the jobs" },
    ]);
  });

  it("status tells who runs the background jobs and how they went", async () => {
    const { jobs } = bot.core.services;
    const lock = new InstanceLock(bot.db, "web1:4242:abc", 45_000);
    lock.tryHold(bot.clock.now());
    jobs.record("health-check", bot.clock.now() - 30_000);
    jobs.record("alert-delivery", bot.clock.now() - 2_000, "slack: 500 internal error");
    const field = (await bot.run("status")).fields?.find((f) => f.label === "Background jobs");
    expect(field?.value).toBe("run by web1:4242:abc\nlast run 2s ago; 2 jobs, failing: alert-delivery");
    const spikes = () => bot.run("status").then((r) => r.fields?.find((f) => f.label === "Spike detection")?.value);
    expect(await spikes()).toBe("starting: the first check runs within a minute");
    // What the detector found at its last tick: one jail reports through the capture, one does not.
    bot.core.alertState.set("spike:sources", { events: ["alpha"], counter: ["beta"], at: bot.clock.now() }, bot.clock.now());
    expect(await spikes()).toBe(
      "from the history capture's ban events for alpha; from fail2ban's ban counter once a minute for beta: the history capture is not installed there (docs/history.md)",
    );
    lock.release();
  });

  it("jails lists counters and key settings", async () => {
    await bot.fail2ban.ban("alpha", ["192.0.2.101", "192.0.2.102"]);
    // beta's filter bans at its second failure.
    bot.fail2ban.fail("beta", "198.51.100.103", 2);
    const reply = await bot.run("jails");
    expect(reply.title).toBe("2 jails");
    expect(reply.table?.columns.slice(0, 8)).toEqual(["jail", "banned", "total", "failing", "failures", "bantime", "findtime", "maxretry"]);
    expect(reply.table?.rows).toEqual([
      ["alpha", 2, 2, 0, 0, "1h", "1h", 3, ""],
      ["beta", 1, 1, 0, 2, "1h", "1h", 2, ""],
    ]);
    expect(reply.table?.rowActions?.[1]).toEqual({ label: "Banned", command: "banned beta" });
  });

  it("jail shows the full detail of one jail", async () => {
    await bot.fail2ban.ban("alpha", ["192.0.2.101", "192.0.2.102"]);
    await bot.fail2ban.unban("alpha", ["192.0.2.102"]);
    const reply = await bot.run("jail alpha");
    const field = (label: string) => reply.fields?.find((f) => f.label === label)?.value;
    expect(field("Banned")).toBe("1 now, 2 since start");
    expect(field("Ban time")).toBe("1h");
    expect(field("Max retry")).toBe("3");
    expect(field("Logs")).toBe("/var/log/alpha.log");
    expect(field("Actions")).toBe("noop");
    expect(field("Failure patterns")).toMatch(/^`\^FAIL login from /);
    expect((await bot.run("jail nosuch")).text).toMatch(/no jail named nosuch/);
  });

  it("ip tells which jails ban an address and which ignore lists cover it", async () => {
    await bot.fail2ban.ban("alpha", ["192.0.2.101"]);
    await bot.fail2ban.addIgnore("beta", ["192.0.2.0/24"]);
    const reply = await bot.run("ip 192.0.2.101");
    expect(reply.fields).toEqual([
      { label: "Location", value: "documentation range (192.0.2.0/24), not looked up" },
      { label: "Banned in", value: "alpha" },
      { label: "Ignored by", value: "beta (192.0.2.0/24)" },
      // Banned behind BanBot's back, and no capture runs in this test: the archive has not seen it.
      { label: "History", value: "never banned, as far as the archive goes" },
    ]);
    expect(reply.actions).toEqual([{ label: "Unban", command: "unban 192.0.2.101" }]);
    expect((await bot.run("ip 2001:db8::dead")).fields?.[1]).toEqual({ label: "Banned in", value: "no jail" });
    // With no configuration at all, the embedded database answers for a public address.
    const placed = await bot.run("ip 8.8.8.8");
    expect(placed.fields?.[0]).toEqual({ label: "Location", value: "🇺🇸 United States" });
    // The built-in country database has no AS numbers: the reply says so instead of leaving the line out.
    expect(placed.fields?.[1]).toEqual({ label: "Network", value: "unknown: no geo database names its AS (docs/geo.md)" });
    expect((await bot.run("ip nonsense")).tone).toBe("error");
  });

  it("help lists the catalogue and explains one command", async () => {
    const all = await bot.run("help");
    const text = JSON.stringify(all);
    for (const name of ["status", "jails", "banned", "ban", "unban", "ignore", "idle", "reload all", "unban all", "audit"]) expect(text).toContain(name);
    expect(JSON.stringify(await bot.run("help ban"))).toContain("ban <ip>… <jail> [for <duration>]");
    // Options and commands only buttons use stay out of help.
    expect(text).not.toMatch(/cancel|after <|before </);
    expect((await bot.run("help bna")).text).toMatch(/Did you mean `ban`\?/);
  });

  it("help explains a two-word command typed the way it is used", async () => {
    for (const line of ["help blocklist add", "help blocklist-add", "help  Blocklist   ADD"]) expect((await bot.run(line)).title).toBe("Help: blocklist add");
    const family = await bot.run("help blocklist");
    expect(family.table?.rows.map((r) => String(r[0]).split(" ").slice(0, 2).join(" "))).toEqual(["`blocklist import", "`blocklist add", "`blocklist edit", "`blocklist enable", "`blocklist disable", "`blocklist remove"]);
  });

  it("suggests the command meant", async () => {
    expect((await bot.run("stauts")).text).toMatch(/Unknown command `stauts`\. Did you mean `status`\?/);
  });
});

describe("banned", () => {
  const bot = useFakeBanBot();
  const ips = Array.from({ length: 40 }, (_, i) => `198.18.0.${i + 1}`);
  // One at a time, a second apart: each ban ends a second after the one before.
  const banEach = async (list: readonly string[]) => {
    for (const ip of list) {
      await bot.fail2ban.ban("alpha", [ip]);
      bot.clock.advance(1000);
    }
  };

  it("pages through the list, newest end of ban first, with unban buttons", async () => {
    await banEach(ips);
    const first = await bot.run("banned alpha");
    expect(first.title).toBe("40 banned in alpha");
    expect(first.paging).toMatchObject({ page: 1, pages: 3, total: 40 });
    expect(first.table?.rows).toHaveLength(15);
    expect(first.table?.rows[0]?.[0]).toBe("198.18.0.40");
    expect(first.table?.rowActions?.[0]?.command).toBe("unban 198.18.0.40 alpha");

    const seen = new Set(first.table!.rows.map((r) => r[0]));
    // A ban arriving between pages must not make rows repeat or go missing.
    await banEach(["198.18.1.1"]);
    const second = await bot.run(first.paging!.next!.command);
    const third = await bot.run(second.paging!.next!.command);
    for (const row of [...second.table!.rows, ...third.table!.rows]) {
      expect(seen.has(row[0])).toBe(false);
      seen.add(row[0]);
    }
    for (const ip of ips) expect(seen.has(ip)).toBe(true);
    expect(third.paging?.next).toBeUndefined();
    const back = await bot.run(second.paging!.prev!.command);
    expect(back.table?.rows.map((r) => r[0])).toEqual(first.table?.rows.map((r) => r[0]));
  });

  it("shows when a timed ban really ends: BanBot's end while a process runs the jobs, fail2ban's otherwise", async () => {
    await bot.run("ban 203.0.113.99 beta for 2h");
    const end = async () => (await bot.run("banned beta")).table!.rows.find((r) => r[0] === "203.0.113.99")?.[3];
    // fail2ban lifts it after beta's bantime, an hour.
    expect(await end()).toBe("in 1h, not at 2026-11-22 11:00 UTC: no `banbot start` runs the jobs that keep timed bans");
    const lock = new InstanceLock(bot.db, "elsewhere:1:abc", 45_000);
    lock.tryHold(bot.clock.now());
    try {
      expect(await end()).toBe("in 2h (timed)");
    } finally {
      lock.release();
    }
  });

  it("searches by substring and by page number", async () => {
    await banEach([...ips, "198.18.1.1"]);
    const found = await bot.run("banned alpha 198.18.0.1");
    expect(found.table?.rows.map((r) => r[0]).sort()).toEqual(["198.18.0.1", ...Array.from({ length: 10 }, (_, i) => `198.18.0.${10 + i}`)].sort());
    expect((await bot.run("banned alpha 3")).table?.rows).toHaveLength(41 - 30);
    expect((await bot.run("banned alpha 9")).title).toMatch(/past the end/);
    expect((await bot.run("banned beta")).title).toBe("No banned addresses in beta");
  });
});
