import { describe, expect, it } from "vitest";
import { timedBanExpiryJob } from "../../src/jobs/timed-ban-expiry.js";
import { createTimedBans } from "../../src/store/timed-bans.js";
import { useBanBot } from "../harness/banbot.js";
import { silentLog, useClients } from "../harness/client.js";

describe("timedBanExpiryJob", () => {
  const bot = useBanBot();
  const connect = useClients();

  it("lifts a timed ban when its time is up, and only then", async () => {
    await bot.run("ban 203.0.113.40 alpha for 30m");
    await bot.run("ban 203.0.113.41 alpha for 2h");
    const fail2ban = connect(bot.sandbox.socketPath).fail2ban;
    const job = timedBanExpiryJob({ timedBans: bot.core.services.timedBans, fail2ban, now: () => bot.clock.now(), log: silentLog });

    await job.run();
    expect(await fail2ban.jailsBanning(["203.0.113.40", "203.0.113.41"])).toEqual([["alpha"], ["alpha"]]);
    bot.clock.advance(31 * 60_000);
    await job.run();
    expect(await fail2ban.jailsBanning(["203.0.113.40", "203.0.113.41"])).toEqual([[], ["alpha"]]);
    expect(bot.core.services.timedBans.forIp("203.0.113.40")).toEqual([]);
  });

  it("lifts bans that came due while BanBot was down, from the store alone", async () => {
    await bot.run("ban 203.0.113.42 beta for 10m");
    // A process started later knows nothing but what the data dir holds.
    const afterRestart = createTimedBans(bot.db, { host: bot.core.services.host });
    const fail2ban = connect(bot.sandbox.socketPath).fail2ban;
    bot.clock.advance(3 * 3_600_000);
    await timedBanExpiryJob({ timedBans: afterRestart, fail2ban, now: () => bot.clock.now(), log: silentLog }).run();
    expect(await fail2ban.jailsBanning(["203.0.113.42", "203.0.113.41"])).toEqual([[], []]);
  });
});
