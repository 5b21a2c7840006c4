import { setTimeout as delay } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import type { Reply } from "../../src/core/reply.js";
import { useBanBot } from "../harness/banbot.js";
import { useClients } from "../harness/client.js";
import { TEST_JAILS } from "../harness/test-jails.js";

// fail2ban lifts gamma's bans after 2 s; a ban `for` 1h there lives on BanBot's renewals, which
// fail2ban keeps in memory only: its database has the first ban, long over.
const JAILS = [...TEST_JAILS, { name: "gamma", failregex: ["^NOPE from <HOST>$"], bantime: 2 }];
const confirmOf = (reply: Reply) => reply.actions?.find((a) => a.label === "Confirm")?.command ?? "";

describe("timed bans across a stop and start made in BanBot (no capture)", () => {
  const bot = useBanBot({ jails: JAILS });
  const connect = useClients();
  const isBanned = async (ip: string) => (await connect(bot.sandbox.socketPath).fail2ban.jailsBanning([ip]))[0]!.includes("gamma");
  const realTime = () => void (bot.clock.at = Date.now());
  // Each test's timed ban goes with it: a stop's confirmation counts every ban and timed ban of gamma.
  afterEach(async () => {
    await bot.run("unban 192.0.2.170 192.0.2.171 gamma");
    expect(bot.core.services.timedBans.forJail("gamma").size).toBe(0);
  });

  it("keeps a timed ban older than the jail's bantime, says so, and bans it again on start", { timeout: 20_000 }, async () => {
    realTime();
    await bot.run("ban 192.0.2.170 gamma for 1h");
    // The job renews it before fail2ban's end, as under `banbot start`; then its first ban, the only
    // one fail2ban's database holds, runs out.
    await delay(1_200);
    realTime();
    await bot.core.timedBanKeeper.run();
    await delay(1_300);
    expect(await isBanned("192.0.2.170")).toBe(true);

    realTime();
    const ask = await bot.run("stop gamma");
    expect(ask.text).toBe(
      "Stops gamma: it reads no logs and bans nobody until started again, and its 1 ban is lifted now (`start gamma` brings back those still within their ban time, and bans its timed ban (`ban … for`) again until its end). The button expires in 5m.",
    );
    const stopped = await bot.run(confirmOf(ask));
    expect(stopped.text).toBe("Its 1 ban was lifted. BanBot keeps its timed ban: `start gamma` bans it again until its end.");
    expect(bot.core.services.timedBans.forIp("192.0.2.170")).toHaveLength(1);

    realTime();
    const started = await bot.run(confirmOf(await bot.run("start gamma")));
    expect(started.title).toBe("Started gamma");
    expect(await isBanned("192.0.2.170")).toBe(true);
    expect(bot.core.services.timedBans.forIp("192.0.2.170")).toEqual([expect.objectContaining({ jail: "gamma", until: expect.any(Number) })]);
  });

  it("leaves a stopped jail's timed bans to its start, trying them only once a minute meanwhile", async () => {
    realTime();
    await bot.run("ban 192.0.2.171 gamma for 1h");
    await bot.run(confirmOf(await bot.run("stop gamma")));
    const keeper = bot.core.timedBanKeeper;
    bot.clock.advance(5_000);
    await keeper.run();
    const tried = bot.core.services.timedBans.get("gamma", "192.0.2.171")?.f2bUntil;
    expect(tried).toBe(bot.clock.now() + 60_000);
    await bot.run(confirmOf(await bot.run("start gamma")));
    expect(await isBanned("192.0.2.171")).toBe(true);
  });
});
