import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it, vi } from "vitest";
import { TimedBanKeeper, type TimedBanKeeperDeps } from "../../src/core/timed-ban-keeper.js";
import { InstanceLock } from "../../src/store/instance-lock.js";
import { createTimedBans } from "../../src/store/timed-bans.js";
import { useBanBot } from "../harness/banbot.js";
import { useFakeBanBot } from "../harness/fake-banbot.js";
import { silentLog, useClients } from "../harness/client.js";
import { TEST_JAILS } from "../harness/test-jails.js";

// fail2ban lifts gamma's bans after 2 s: a ban `for` longer than that must be renewed in time.
const JAILS = [...TEST_JAILS, { name: "gamma", failregex: ["^NOPE from <HOST>$"], bantime: 2 }];
const eventually = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 10_000, interval: 50 });

describe("timed bans (the job), on a fail2ban whose clock is the test clock", () => {
  const bot = useFakeBanBot({ jails: JAILS });
  const fail2ban = () => bot.fail2ban;
  const keeper = () => bot.core.timedBanKeeper;
  const isBanned = async (ip: string, jail: string) => (await fail2ban().jailsBanning([ip]))[0]!.includes(jail);

  it("lifts a timed ban when its time is up, and only then", async () => {
    await bot.run("ban 203.0.113.40 alpha for 30m");
    await bot.run("ban 203.0.113.41 alpha for 2h");
    await keeper().run();
    expect(await fail2ban().jailsBanning(["203.0.113.40", "203.0.113.41"])).toEqual([["alpha"], ["alpha"]]);
    bot.clock.advance(31 * 60_000);
    await keeper().run();
    expect(await fail2ban().jailsBanning(["203.0.113.40", "203.0.113.41"])).toEqual([[], ["alpha"]]);
    expect(bot.core.services.timedBans.forIp("203.0.113.40")).toEqual([]);
  });

  it("lifts bans that came due while BanBot was down, from the store alone", async () => {
    await bot.run("ban 203.0.113.42 beta for 10m");
    // A process started later knows nothing but what the data dir holds.
    const afterRestart = new TimedBanKeeper({
      timedBans: createTimedBans(bot.db, { host: bot.core.services.host }),
      fail2ban: fail2ban(),
      history: bot.core.services.history,
      now: () => bot.clock.now(),
      log: silentLog,
    });
    bot.clock.advance(20 * 60_000);
    expect(await isBanned("203.0.113.42", "beta")).toBe(true);
    await afterRestart.run();
    expect(await isBanned("203.0.113.42", "beta")).toBe(false);
    expect(bot.core.services.timedBans.forIp("203.0.113.42")).toEqual([]);
  });

  it("holds a ban for its whole time in a jail whose bantime is shorter, with no gap, then lifts it", async () => {
    const until = bot.clock.now() + 6_000;
    await bot.run("ban 192.0.2.150 gamma for 6s");
    // The job as the scheduler runs it, only more often than every 15 s, to match gamma's 2 s.
    while (bot.clock.now() < until - 400) {
      await keeper().run();
      expect(await isBanned("192.0.2.150", "gamma")).toBe(true);
      bot.clock.advance(400);
    }
    bot.clock.advance(until - bot.clock.now() + 50);
    await keeper().run();
    expect(await isBanned("192.0.2.150", "gamma")).toBe(false);
    expect(bot.core.services.timedBans.forIp("192.0.2.150")).toEqual([]);
  });

  it("bans again what had lapsed, and skips a stopped jail", async () => {
    await bot.run("ban 192.0.2.151 gamma for 1h");
    bot.clock.advance(2_001);
    expect(await isBanned("192.0.2.151", "gamma")).toBe(false);
    await keeper().run();
    expect(await isBanned("192.0.2.151", "gamma")).toBe(true);
    await fail2ban().stopJail("gamma");
    await expect(keeper().run()).resolves.toBeUndefined();
    expect(bot.core.services.timedBans.forIp("192.0.2.151")).toHaveLength(1);
  });

  it("says when no process runs the jobs, and every surface shows the end that will really come", async () => {
    const reply = await bot.run("ban 192.0.2.152 gamma for 1h");
    expect(reply.notes?.join(" ")).toMatch(/^No BanBot process runs the background jobs now \(`banbot start` does\).*fail2ban keeps its own end \(gamma's own ban time is 2s\)/);
    const row = (await bot.run("banned gamma")).table?.rows.find((r) => r[0] === "192.0.2.152");
    expect(row?.[3]).toBe("in 2s, not at 2026-11-22 10:00 UTC: no `banbot start` runs the jobs that keep timed bans");
    expect((await bot.run("ip 192.0.2.152")).fields?.find((f) => f.label === "Timed bans")?.value).toMatch(/^gamma: ends in 2s, not at /);

    // A `banbot start` somewhere holds the job lock: the timed ban's own end is the true one.
    const lock = new InstanceLock(bot.db, "elsewhere:1:abc", 45_000);
    expect(lock.tryHold(bot.clock.now())).toBe(true);
    try {
      const held = await bot.run("ban 192.0.2.153 gamma for 1h");
      expect(held.notes).toEqual([`gamma's own ban time is 2s: BanBot bans it again before fail2ban's end, until ${held.fields?.[0]?.value}.`]);
      expect((await bot.run("banned gamma")).table?.rows.find((r) => r[0] === "192.0.2.153")?.[3]).toBe("in 1h (timed)");
      expect((await bot.run("ip 192.0.2.153")).fields?.find((f) => f.label === "Timed bans")?.value).toMatch(/^gamma: ends in 1h \(timed\) \(.* UTC\)$/);
    } finally {
      lock.release();
    }
  });
});

describe("timed bans and the capture", () => {
  const bot = useBanBot({ jails: JAILS, capture: true });
  const connect = useClients();
  const fail2ban = () => connect(bot.sandbox.socketPath).fail2ban;
  const isBanned = async (ip: string, jail: string) => (await fail2ban().jailsBanning([ip]))[0]!.includes(jail);
  const events = (ip: string) =>
    bot.core.services.history.events({ ip }, { limit: 10 }).map((e) => `${e.jail} ${e.kind} ${e.origin}${e.actor ? ` ${e.actor}` : ""}${e.kind === "ban" ? ` ${e.banSeconds}s` : ""}`);

  it("archives a timed ban with its own length, and bans again at once what fail2ban lifted before its end", async () => {
    await bot.run("ban 192.0.2.160 gamma for 1h");
    await eventually(() => expect(events("192.0.2.160").at(-1)).toBe("gamma ban manual console:console 3600s"));
    // No job runs here: fail2ban lifts it after gamma's 2 s, and the capture's unban puts it back.
    // Banned again for the time left.
    await eventually(() => expect(events("192.0.2.160").slice(-3)).toEqual([expect.stringMatching(/^gamma ban manual console:console 359\ds$/), "gamma unban fail2ban", "gamma ban manual console:console 3600s"]));
    await eventually(async () => expect(await isBanned("192.0.2.160", "gamma")).toBe(true));
    await bot.run("unban 192.0.2.160");
  });

  it("bans again when fail2ban restarts and restores its bans without BanBot's renewals", async () => {
    await bot.run("ban 192.0.2.163 gamma for 1h");
    // In fail2ban's database the ban ended after 2 s, so a restart does not restore it.
    await delay(2_500);
    await bot.sandbox.restart();
    await eventually(async () => expect(await isBanned("192.0.2.163", "gamma")).toBe(true));
  });

  it("archives the end of a timed ban as the job's, for whom it banned", async () => {
    await bot.run("ban 192.0.2.164 alpha for 1s");
    await delay(1_100);
    await bot.core.timedBanKeeper.run();
    await eventually(() => expect(events("192.0.2.164")).toEqual(["alpha unban job:timed-ban-expiry console:console", "alpha ban manual console:console 1s"]));
  });

  // jailStarted and the job renew from records read before their round trips to fail2ban; the
  // capture's report of a jail start comes late after startup, so someone may lift the ban meanwhile.
  const renewingWhile = (moment: "jailLimits" | "ban", lift: () => Promise<void>) => {
    const real = fail2ban();
    const port: TimedBanKeeperDeps["fail2ban"] = {
      jailLimits: async (jail) => {
        if (moment === "jailLimits") await lift();
        return await real.jailLimits(jail);
      },
      ban: async (jail, ips) => {
        if (moment === "ban") await lift();
        return await real.ban(jail, ips);
      },
      unban: (jail, ips) => real.unban(jail, ips),
    };
    return new TimedBanKeeper({ timedBans: bot.core.services.timedBans, fail2ban: port, history: bot.core.services.history, now: () => bot.clock.now(), log: silentLog });
  };
  const liftOutside = (ip: string) => async () => {
    await fail2ban().unban("alpha", [ip]);
    await eventually(() => expect(bot.core.services.timedBans.forIp(ip)).toEqual([]));
  };

  for (const moment of ["jailLimits", "ban"] as const) {
    it(`does not ban again a timed ban someone lifted outside BanBot while it was renewed (during ${moment})`, async () => {
      const ip = moment === "ban" ? "192.0.2.167" : "192.0.2.166";
      await bot.run(`ban ${ip} alpha for 1h`);
      await renewingWhile(moment, liftOutside(ip)).jailStarted("alpha");
      expect(await isBanned(ip, "alpha")).toBe(false);
      expect(bot.core.services.timedBans.forIp(ip)).toEqual([]);
    });
  }

  it("forgets a timed ban someone lifted outside BanBot", async () => {
    await bot.run("ban 192.0.2.165 alpha for 1h");
    await fail2ban().unban("alpha", ["192.0.2.165"]);
    await eventually(() => expect(bot.core.services.timedBans.forIp("192.0.2.165")).toEqual([]));
    await bot.core.timedBanKeeper.run();
    expect(await isBanned("192.0.2.165", "alpha")).toBe(false);
  });
});
