import { afterEach, describe, expect, it } from "vitest";
import { buildScheduler } from "../../src/jobs/build.js";
import type { Scheduler } from "../../src/jobs/scheduler.js";
import { capturedLog } from "../harness/client.js";
import { useFakeBanBot } from "../harness/fake-banbot.js";

describe("the scheduled jobs during a fail2ban outage", () => {
  const bot = useFakeBanBot();
  let scheduler: Scheduler | undefined;
  afterEach(async () => {
    await scheduler?.stop();
    scheduler = undefined;
  });
  // The jobs of `banbot start`, run by hand: the lock is held, no timers run.
  const jobsBy = (log: ReturnType<typeof capturedLog>["log"]): Scheduler => {
    scheduler = buildScheduler(bot.config, bot.core, [], log);
    expect(scheduler.claim()).toBe(true);
    return scheduler;
  };

  it("hold the jobs that need fail2ban while the health check finds it down, and run them after", async () => {
    const { log, entries } = capturedLog();
    const jobs = jobsBy(log);
    await bot.run("ban 203.0.113.60 alpha for 10m");
    bot.clock.advance(11 * 60_000);
    const jobRun = (name: string) => bot.core.services.jobs.list().find((r) => r.name === name);

    bot.fail2ban.down();
    await jobs.runNow("health-check");
    await jobs.runNow("timed-ban-expiry");
    await jobs.runNow("blocklist-imports");
    expect(jobRun("timed-ban-expiry")).toBeUndefined();
    expect(bot.core.services.timedBans.forIp("203.0.113.60")).toHaveLength(1);
    expect(entries.filter((l) => l.msg === "job held").map((l) => [l.job, l.reason])).toEqual([
      ["timed-ban-expiry", "fail2ban is not answering (health check)"],
      ["blocklist-imports", "fail2ban is not answering (health check)"],
    ]);
    // The outage itself is the health check's to report; nothing was logged as a bug.
    expect(entries.filter((l) => l.level >= 50)).toEqual([]);

    bot.fail2ban.up();
    await jobs.runNow("health-check");
    await jobs.runNow("timed-ban-expiry");
    expect(jobRun("timed-ban-expiry")).toMatchObject({ ok: true, runs: 1, failures: 0 });
    expect(bot.core.services.timedBans.forIp("203.0.113.60")).toEqual([]);
    expect(await bot.fail2ban.jailsBanning(["203.0.113.60"])).toEqual([[]]);
  });

  it("log a job that fails for a reason outside BanBot as a warning, and hold only on a recent check", async () => {
    const { log, entries } = capturedLog();
    const jobs = jobsBy(log);
    await bot.run("ban 203.0.113.61 alpha for 10m");
    bot.clock.advance(11 * 60_000);
    const failures = () => entries.filter((l) => l.msg === "job failed").map((l) => [l.level, l.job]);
    // Down, but the health check has not looked yet: the job runs and finds the socket gone.
    bot.fail2ban.down();
    await jobs.runNow("timed-ban-expiry");
    expect(failures()).toEqual([[40, "timed-ban-expiry"]]);
    await jobs.runNow("health-check");
    await jobs.runNow("timed-ban-expiry");
    expect(failures()).toHaveLength(1);
    // Should the checks stop (nothing has refreshed that finding for minutes), the jobs run again.
    bot.clock.advance(3 * 60_000);
    await jobs.runNow("timed-ban-expiry");
    bot.fail2ban.up();
    expect(failures()).toEqual([
      [40, "timed-ban-expiry"],
      [40, "timed-ban-expiry"],
    ]);
    expect(bot.core.services.jobs.list().find((r) => r.name === "timed-ban-expiry")).toMatchObject({ ok: false, failures: 2 });
  });
});
