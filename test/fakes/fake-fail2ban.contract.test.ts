import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Fail2ban } from "../../src/core/ports/fail2ban.js";
import type { ConfiguredJail } from "../../src/core/fail2ban/config-dump.js";
import { TestClock } from "../harness/banbot.js";
import { useClients } from "../harness/client.js";
import { sandboxConfigOps, TEST_JAILS, useFail2ban } from "../harness/fail2ban.js";
import { FakeFail2ban, type FakeJail } from "./fake-fail2ban.js";

// The same cases against FakeFail2ban and a real fail2ban-server, so that tests running on the fake
// test BanBot against what fail2ban does. Counters are compared as differences: a real server's
// totals only grow, and its tests share it (after each, its bans, ignore lists and switches are reset).

interface Subject {
  readonly fail2ban: Fail2ban;
  /** fail2ban's clock, Unix ms. */
  now(): number;
  /** Lets `ms` pass on fail2ban's clock; a real server's passes by itself. */
  elapse(ms: number): void;
  /** `fail2ban-client set <jail> bantime <seconds>`. */
  setBantime(jail: string, seconds: number): Promise<void>;
  /** One failure line per address in the jail's log; resolves once fail2ban counted `counted` of them. */
  fail(jail: string, ips: readonly string[], counted: number): Promise<void>;
  logFile(jail: string): string;
  configuredJails(): Promise<ConfiguredJail[]>;
}

const LINES: Record<string, (ip: string) => string> = { alpha: (ip) => `FAIL login from ${ip}`, beta: (ip) => `BAD request from ${ip}` };
// The sandbox's filters have `datepattern = {NONE}`, which fail2ban reports as this.
const NO_DATES = { pattern: "{UNB}^", name: "^" };

function useFake(): Subject {
  let fake: FakeFail2ban;
  let clock: TestClock;
  const logFile = (jail: string) => `/var/log/fake/${jail}.log`;
  beforeEach(() => {
    clock = new TestClock();
    const jails: FakeJail[] = TEST_JAILS.map((j) => ({ ...j, logpaths: [logFile(j.name)], datepattern: NO_DATES }));
    fake = new FakeFail2ban({ jails, now: () => clock.now() });
  });
  return {
    get fail2ban() {
      return fake;
    },
    now: () => clock.now(),
    elapse: (ms) => clock.advance(ms),
    setBantime: (jail, seconds) => Promise.resolve(fake.setBantime(jail, seconds)),
    fail: (jail, ips) => Promise.resolve(ips.forEach((ip) => fake.fail(jail, ip))),
    logFile,
    configuredJails: () => Promise.resolve(fake.configuredJails()),
  };
}

function useReal(): Subject {
  const f2b = useFail2ban();
  const connect = useClients();
  const client = () => connect(f2b.sandbox.socketPath);
  afterEach(async () => {
    const { fail2ban, conn } = client();
    await fail2ban.unbanAll();
    const running = (await fail2ban.status()).jails;
    for (const jail of TEST_JAILS.filter((j) => running.includes(j.name))) {
      for (const entry of await fail2ban.ignoreList(jail.name)) await fail2ban.removeIgnore(jail.name, entry);
      await fail2ban.setIgnoreSelf(jail.name, false);
      await fail2ban.setIdle(jail.name, false);
      await conn.send(["set", jail.name, "bantime", String(jail.bantime)]);
    }
  });
  return {
    get fail2ban() {
      return client().fail2ban;
    },
    now: () => Date.now(),
    elapse: () => undefined,
    async setBantime(jail, seconds) {
      await client().conn.send(["set", jail, "bantime", String(seconds)]);
    },
    async fail(jail, ips, counted) {
      const { fail2ban } = client();
      const before = (await fail2ban.jailStatus(jail, { short: true })).totalFailed;
      await f2b.sandbox.appendLog(jail, ips.map(LINES[jail]!));
      await vi.waitFor(async () => expect((await fail2ban.jailStatus(jail, { short: true })).totalFailed).toBe(before + counted), { timeout: 10_000, interval: 50 });
    },
    logFile: (jail) => f2b.sandbox.logFile(jail),
    configuredJails: () => sandboxConfigOps(f2b.sandbox).configuredJails(),
  };
}

const eventually = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 10_000, interval: 50 });
const sorted = (list: readonly string[]) => [...list].sort();
const asObject = (map: Map<string, string[]>) => Object.fromEntries(map);

describe.each([
  ["FakeFail2ban", useFake],
  ["a real fail2ban-server", useReal],
])("the Fail2ban port, on %s", (_name, use) => {
  const s = use();
  const totals = async (jail: string) => {
    const { totalBanned, totalFailed, currentlyFailed } = await s.fail2ban.jailStatus(jail, { short: true });
    return { totalBanned, totalFailed, currentlyFailed };
  };

  it("answers a ping, says its version, and can do what BanBot asks of a current fail2ban", async () => {
    await s.fail2ban.ping();
    expect(await s.fail2ban.version()).toMatch(/^\d+\.\d+\.\d+/);
    expect(await s.fail2ban.capabilities()).toMatchObject({ multiIp: true, bannedCommand: true, banipGet: true, shortStatus: true });
  });

  it("lists its jails sorted, and its configuration's jails with their actions", async () => {
    expect((await s.fail2ban.status()).jails).toEqual(["alpha", "beta"]);
    expect((await s.configuredJails()).map((j) => [j.name, j.actions.map((a) => a.name)])).toEqual([
      ["alpha", ["noop"]],
      ["beta", ["noop"]],
    ]);
  });

  it("bans addresses and networks, counting only new bans, and says which jails ban what", async () => {
    const before = await totals("alpha");
    expect(await s.fail2ban.ban("alpha", ["192.0.2.1", "2001:DB8::2", "198.51.100.77/26"])).toBe(3);
    s.elapse(1000);
    expect(await s.fail2ban.ban("alpha", ["192.0.2.1", "192.0.2.3", "192.0.2.3"])).toBe(1);
    // By end of ban: 192.0.2.1's moved on when it was banned again.
    expect(await s.fail2ban.bannedIps("alpha")).toEqual(["2001:db8::2", "198.51.100.64/26", "192.0.2.1", "192.0.2.3"]);
    const status = await s.fail2ban.jailStatus("alpha");
    expect(status).toMatchObject({ currentlyBanned: 4, totalBanned: before.totalBanned + 4, files: [s.logFile("alpha")], journalMatches: [] });
    // The status and `banned` list them in the order they were banned.
    const inBanOrder = ["192.0.2.1", "2001:db8::2", "198.51.100.64/26", "192.0.2.3"];
    expect(status.bannedIps).toEqual(inBanOrder);
    expect(asObject(await s.fail2ban.banned())).toEqual({ alpha: inBanOrder, beta: [] });
    expect((await s.fail2ban.jailStatus("alpha", { short: true })).bannedIps).toBeUndefined();
    // An address inside a banned network is not itself banned.
    expect(await s.fail2ban.jailsBanning(["192.0.2.1", "198.51.100.64/26", "198.51.100.65", "203.0.113.1"])).toEqual([["alpha"], ["alpha"], [], []]);
    expect(await s.fail2ban.jailsBanning([])).toEqual([]);
  });

  it("keeps bans in order of their end, and moves the end of a ban made again to now + bantime", async () => {
    for (const ip of ["192.0.2.11", "192.0.2.12", "192.0.2.13"]) {
      await s.fail2ban.ban("beta", [ip]);
      s.elapse(1000);
    }
    expect(await s.fail2ban.bannedIps("beta")).toEqual(["192.0.2.11", "192.0.2.12", "192.0.2.13"]);
    expect(await s.fail2ban.ban("beta", ["192.0.2.11"])).toBe(0);
    expect(await s.fail2ban.bannedIps("beta")).toEqual(["192.0.2.12", "192.0.2.13", "192.0.2.11"]);
    const [twelve, , eleven] = await s.fail2ban.bans("beta");
    // Its start stays; its time grows by how long it had been banned.
    expect(eleven!.start!.getTime()).toBeLessThanOrEqual(twelve!.start!.getTime());
    expect(eleven!.banSeconds).toBeGreaterThanOrEqual(3600);
    expect((await s.fail2ban.jailStatus("beta")).bannedIps).toEqual(["192.0.2.11", "192.0.2.12", "192.0.2.13"]);
  });

  it("never moves the end of a ban made again sooner", async () => {
    await s.fail2ban.ban("beta", ["192.0.2.14"]);
    // Made again under a longer bantime, the ban takes a time of its own (two hours and the time in
    // between), which the jail's bantime no longer changes.
    await s.setBantime("beta", 7200);
    s.elapse(1000);
    await s.fail2ban.ban("beta", ["192.0.2.14"]);
    const [before] = await s.fail2ban.bans("beta");
    expect(before!.banSeconds).toBeGreaterThanOrEqual(7200);
    await s.setBantime("beta", 60);
    s.elapse(1000);
    expect(await s.fail2ban.ban("beta", ["192.0.2.14"])).toBe(0);
    // A ban made now would end in a minute: the hour stays.
    expect(await s.fail2ban.bans("beta")).toEqual([before]);
  });

  it("gives each ban's start and end in whole seconds, and no end for a permanent ban", async () => {
    const before = Math.floor(s.now() / 1000) * 1000;
    await s.fail2ban.ban("alpha", ["192.0.2.21"]);
    const [entry] = await s.fail2ban.bans("alpha");
    expect(entry).toMatchObject({ ip: "192.0.2.21", banSeconds: 3600 });
    expect(entry!.start!.getTime() % 1000).toBe(0);
    expect(entry!.start!.getTime()).toBeGreaterThanOrEqual(before);
    expect(entry!.start!.getTime()).toBeLessThanOrEqual(s.now());
    expect(entry!.end!.getTime()).toBe(entry!.start!.getTime() + 3_600_000);

    // A ban without a time of its own ends by the jail's current bantime: this one too is permanent now.
    await s.setBantime("alpha", -1);
    await s.fail2ban.ban("alpha", ["192.0.2.22"]);
    expect(await s.fail2ban.bans("alpha")).toEqual([
      { ip: "192.0.2.21", start: entry!.start, banSeconds: -1, end: undefined },
      { ip: "192.0.2.22", start: expect.any(Date), banSeconds: -1, end: undefined },
    ]);
  });

  it("ends bans by the jail's bantime as it is now, except a ban made again, which has its own", async () => {
    await s.fail2ban.ban("alpha", ["192.0.2.31", "192.0.2.32"]);
    s.elapse(1000);
    await s.fail2ban.ban("alpha", ["192.0.2.32"]);
    await s.setBantime("alpha", 7200);
    const bans = await s.fail2ban.bans("alpha");
    expect(bans.map((b) => b.ip)).toEqual(["192.0.2.32", "192.0.2.31"]);
    expect(bans[0]!.banSeconds).toBeLessThan(7200);
    expect(bans[1]).toMatchObject({ banSeconds: 7200, end: new Date(bans[1]!.start!.getTime() + 7_200_000) });
  });

  it("lifts a ban when its time is up, keeping the total", async () => {
    const before = await totals("alpha");
    await s.setBantime("alpha", 1);
    await s.fail2ban.ban("alpha", ["192.0.2.41"]);
    await s.fail2ban.ban("beta", ["192.0.2.42"]);
    s.elapse(1001);
    await eventually(async () => expect(await s.fail2ban.bannedIps("alpha")).toEqual([]));
    expect(await s.fail2ban.jailStatus("alpha", { short: true })).toMatchObject({ currentlyBanned: 0, totalBanned: before.totalBanned + 1 });
    expect(await s.fail2ban.bannedIps("beta")).toEqual(["192.0.2.42"]);
  });

  it("unbans in one jail or in all, counting what it lifted and passing over what it did not ban", async () => {
    const before = await totals("alpha");
    await s.fail2ban.ban("alpha", ["192.0.2.51", "192.0.2.52"]);
    await s.fail2ban.ban("beta", ["192.0.2.51"]);
    expect(await s.fail2ban.unban("alpha", ["192.0.2.51", "192.0.2.59"])).toBe(1);
    expect(await s.fail2ban.jailsBanning(["192.0.2.51", "192.0.2.52"])).toEqual([["beta"], ["alpha"]]);
    expect(await s.fail2ban.unban(undefined, ["192.0.2.51", "192.0.2.52", "192.0.2.59"])).toBe(2);
    expect(asObject(await s.fail2ban.banned())).toEqual({ alpha: [], beta: [] });
    expect(await s.fail2ban.jailStatus("alpha", { short: true })).toMatchObject({ currentlyBanned: 0, totalBanned: before.totalBanned + 2 });
  });

  it("unbans a network's own entry, or else every ban inside the network", async () => {
    await s.fail2ban.ban("alpha", ["198.51.100.64/26", "198.51.100.70", "198.51.100.200", "10.0.0.1"]);
    expect(await s.fail2ban.unban("alpha", ["198.51.100.64/26"])).toBe(1);
    expect(sorted(await s.fail2ban.bannedIps("alpha"))).toEqual(["10.0.0.1", "198.51.100.200", "198.51.100.70"]);
    expect(await s.fail2ban.unban("alpha", ["198.51.100.0/24"])).toBe(2);
    expect(await s.fail2ban.unban(undefined, ["10.0.0.0/8"])).toBe(1);
    expect(await s.fail2ban.bannedIps("alpha")).toEqual([]);
  });

  it("unbans everywhere, saying which of the addresses each jail had banned", async () => {
    await s.fail2ban.ban("alpha", ["192.0.2.61", "198.51.100.64/26"]);
    await s.fail2ban.ban("beta", ["192.0.2.61", "192.0.2.62"]);
    const progress: number[][] = [];
    const lifted = await s.fail2ban.unbanEverywhere(["192.0.2.61", "192.0.2.62", "192.0.2.63", "198.51.100.0/24"], {
      chunkSize: 2,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(asObject(lifted)).toEqual({ alpha: ["192.0.2.61", "198.51.100.0/24"], beta: ["192.0.2.61", "192.0.2.62"] });
    expect(progress).toEqual([
      [2, 8],
      [4, 8],
      [6, 8],
      [8, 8],
    ]);
    expect(asObject(await s.fail2ban.banned())).toEqual({ alpha: [], beta: [] });
    expect(await s.fail2ban.unbanEverywhere([])).toEqual(new Map());
  });

  it("lifts every ban in every jail at once", async () => {
    await s.fail2ban.ban("alpha", ["192.0.2.71", "192.0.2.72"]);
    await s.fail2ban.ban("beta", ["192.0.2.73"]);
    expect(await s.fail2ban.unbanAll()).toBe(3);
    expect(asObject(await s.fail2ban.banned())).toEqual({ alpha: [], beta: [] });
  });

  it("hands each chunk of a ban to beforeSend before banning it, the chunks together the whole list in order", async () => {
    const ips = Array.from({ length: 5 }, (_, i) => `10.82.0.${i + 1}`);
    const seen: string[] = [];
    const beforeSend = (chunk: readonly string[]) => void seen.push(`before ${chunk.join(" ")}`);
    const onProgress = (done: number) => void seen.push(`banned ${done}`);
    expect(await s.fail2ban.ban("beta", ips, { chunkSize: 2, beforeSend, onProgress })).toBe(5);
    const before = seen.filter((e) => e.startsWith("before")).map((e) => e.slice(7));
    expect(before).toEqual(["10.82.0.1 10.82.0.2", "10.82.0.3 10.82.0.4", "10.82.0.5"]);
    // Each chunk is handed over before the progress that reports it banned.
    for (const [i, done] of [2, 4, 5].entries()) expect(seen.indexOf(`before ${before[i]}`)).toBeLessThan(seen.indexOf(`banned ${done}`));
  });

  it("bans no further chunk once beforeSend fails, after fail2ban answered the chunk on its way", async () => {
    const ips = Array.from({ length: 6 }, (_, i) => `10.84.0.${i + 1}`);
    let calls = 0;
    const beforeSend = () => {
      if (++calls === 2) throw new Error("store locked");
    };
    await expect(s.fail2ban.ban("beta", ips, { chunkSize: 2, beforeSend })).rejects.toThrow("store locked");
    expect(await s.fail2ban.jailsBanning(ips)).toEqual([["beta"], ["beta"], [], [], [], []]);
  });

  it("bans and unbans long lists in chunks, a small one first, telling the progress after each", async () => {
    const ips = Array.from({ length: 1200 }, (_, i) => `10.81.${i >> 8}.${i & 255}`);
    const progress: number[][] = [];
    const onProgress = (done: number, total: number) => progress.push([done, total]);
    expect(await s.fail2ban.ban("beta", ips, { chunkSize: 600, onProgress })).toBe(1200);
    expect((await s.fail2ban.bannedIps("beta")).length).toBe(1200);
    expect(await s.fail2ban.unban("beta", ips, { chunkSize: 500, onProgress })).toBe(1200);
    expect(progress).toEqual([
      [500, 1200],
      [1100, 1200],
      [1200, 1200],
      [500, 1200],
      [1000, 1200],
      [1200, 1200],
    ]);
  });

  it("keeps an ignore list of networks and addresses, which a ban by hand does not consult", async () => {
    expect(await s.fail2ban.ignoreList("alpha")).toEqual([]);
    const list = await s.fail2ban.addIgnore("alpha", ["192.0.2.9", "192.0.2.0/24", "10.1.1.1", "2001:DB8::/32", "192.0.2.9"]);
    // Networks first, in the order added; single addresses after, from a set (in no order).
    expect(list.slice(0, 2)).toEqual(["192.0.2.0/24", "2001:db8::/32"]);
    expect(sorted(list.slice(2))).toEqual(["10.1.1.1", "192.0.2.9"]);
    expect(await s.fail2ban.removeIgnore("alpha", "192.0.2.0/24")).toEqual(expect.not.arrayContaining(["192.0.2.0/24"]));
    expect(sorted(await s.fail2ban.ignoreList("alpha"))).toEqual(["10.1.1.1", "192.0.2.9", "2001:db8::/32"]);
    await expect(s.fail2ban.removeIgnore("alpha", "10.9.9.9")).rejects.toMatchObject({ code: "invalid_argument", message: "10.9.9.9 is not on the ignore list of alpha." });
    await expect(s.fail2ban.addIgnore("alpha", ["10.0.0.0/40"])).rejects.toMatchObject({ code: "invalid_argument" });
    expect(await s.fail2ban.ban("alpha", ["10.1.1.1"])).toBe(1);
  });

  it("counts the failures its filter finds, bans at maxretry, and skips addresses on the ignore list", async () => {
    const before = await totals("beta");
    await s.fail2ban.addIgnore("beta", ["192.0.2.0/24"]);
    // beta bans at 2 failures.
    await s.fail("beta", ["192.0.2.80", "192.0.2.80", "203.0.113.81", "203.0.113.82", "203.0.113.82"], 3);
    await eventually(async () => expect(await s.fail2ban.bannedIps("beta")).toEqual(["203.0.113.82"]));
    expect(await totals("beta")).toEqual({
      totalBanned: before.totalBanned + 1,
      totalFailed: before.totalFailed + 3,
      currentlyFailed: before.currentlyFailed + 1,
    });
  });

  it("switches idle and ignoreself, answering the new value", async () => {
    expect(await s.fail2ban.setIdle("alpha", true)).toBe(true);
    expect(await s.fail2ban.setIdle("alpha", false)).toBe(false);
    expect(await s.fail2ban.setIgnoreSelf("alpha", true)).toBe(true);
    expect((await s.fail2ban.jailSettings("alpha")).ignoreself).toBe(true);
    expect(await s.fail2ban.setIgnoreSelf("alpha", false)).toBe(false);
  });

  it("reports a jail's settings and limits", async () => {
    expect(await s.fail2ban.jailLimits("beta")).toEqual({ bantime: 3600, findtime: 3600, maxretry: 2 });
    const settings = await s.fail2ban.jailSettings("alpha");
    expect(settings).toMatchObject({
      bantime: 3600,
      findtime: 3600,
      maxretry: 3,
      backend: undefined,
      logpaths: [s.logFile("alpha")],
      journalMatches: [],
      ignoreregex: [],
      datepattern: NO_DATES,
      logencoding: "UTF-8",
      actions: ["noop"],
      ignoreself: false,
      ignoreip: [],
      bantimeIncrement: { enabled: false },
      status: { currentlyBanned: 0, files: [s.logFile("alpha")], journalMatches: [] },
    });
    // fail2ban expands <HOST>; the fake keeps the pattern as configured.
    expect(settings.failregex[0]).toMatch(/^\^FAIL login from /);
    expect(settings.status.bannedIps).toBeUndefined();
  });

  it("reads its actions' properties, telling a missing action from a missing property", async () => {
    expect(await s.fail2ban.actions("alpha")).toEqual(["noop"]);
    expect(await s.fail2ban.actionProperty("alpha", "noop", "actionban")).toEqual({ kind: "value", value: "" });
    expect(await s.fail2ban.actionProperty("alpha", "noop", "nosuch")).toEqual({ kind: "missing-property" });
    expect(await s.fail2ban.actionProperty("alpha", "banbot", "idle")).toEqual({ kind: "missing-action" });
    await expect(s.fail2ban.actionProperty("alpha", "no op", "x")).rejects.toMatchObject({ code: "invalid_argument" });
  });

  it("refuses an unknown jail alike for every request, and a malformed jail or address before asking", async () => {
    const f = s.fail2ban;
    const requests: [string, () => Promise<unknown>][] = [
      ["jailStatus", () => f.jailStatus("nosuch")],
      ["jailSettings", () => f.jailSettings("nosuch")],
      ["actions", () => f.actions("nosuch")],
      ["jailLimits", () => f.jailLimits("nosuch")],
      ["bannedIps", () => f.bannedIps("nosuch")],
      ["bans", () => f.bans("nosuch")],
      ["ignoreList", () => f.ignoreList("nosuch")],
      ["ban", () => f.ban("nosuch", ["192.0.2.1"])],
      ["unban", () => f.unban("nosuch", ["192.0.2.1"])],
      ["addIgnore", () => f.addIgnore("nosuch", ["192.0.2.1"])],
      ["removeIgnore", () => f.removeIgnore("nosuch", "192.0.2.1")],
      ["setIgnoreSelf", () => f.setIgnoreSelf("nosuch", true)],
      ["setIdle", () => f.setIdle("nosuch", true)],
      ["stopJail", () => f.stopJail("nosuch")],
      ["actionProperty", () => f.actionProperty("nosuch", "noop", "actionban")],
    ];
    for (const [name, request] of requests) {
      await expect(request(), name).rejects.toMatchObject({ code: "unknown_jail", message: "fail2ban has no jail named nosuch." });
    }
    await expect(f.ban("bad jail", ["192.0.2.1"])).rejects.toMatchObject({ code: "invalid_argument", message: '"bad jail" is not a valid jail name.' });
    await expect(f.ban("alpha", ["192.0.2.1", "192.0.2.300"])).rejects.toMatchObject({ code: "invalid_argument", message: '"192.0.2.300" is not an IP address.' });
    expect(await f.ban("nosuch", [])).toBe(0);
    expect(await f.bannedIps("alpha")).toEqual([]);
  });

  describe("a stopped jail", () => {
    // Its own server: a stopped jail comes back only by a reload, with the bans fail2ban restores.
    const stopping = use();

    it("is gone from the status and the lists, and its bans with it", async () => {
      const f = stopping.fail2ban;
      await f.ban("alpha", ["192.0.2.91"]);
      await f.ban("beta", ["192.0.2.91", "192.0.2.92"]);
      await f.stopJail("beta");
      expect((await f.status()).jails).toEqual(["alpha"]);
      expect(asObject(await f.banned())).toEqual({ alpha: ["192.0.2.91"] });
      expect(await f.jailsBanning(["192.0.2.91", "192.0.2.92"])).toEqual([["alpha"], []]);
      expect(asObject(await f.unbanEverywhere(["192.0.2.91", "192.0.2.92"]))).toEqual({ alpha: ["192.0.2.91"] });
      await expect(f.jailStatus("beta")).rejects.toMatchObject({ code: "unknown_jail" });
      await expect(f.stopJail("beta")).rejects.toMatchObject({ code: "unknown_jail" });
      // The configuration still enables it.
      expect((await stopping.configuredJails()).map((j) => j.name)).toEqual(["alpha", "beta"]);
    });
  });
});
