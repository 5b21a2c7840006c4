import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeDiscord } from "../fakes/fake-discord.js";
import { FAKE_GUILD } from "../fakes/fake-discord-payloads.js";
import { FakeSlack } from "../fakes/fake-slack.js";
import { useFail2ban } from "../harness/fail2ban.js";
import { spawnBanbot, type BanbotProcess } from "../harness/spawn-banbot.js";
import { useTempDir } from "../harness/temp-dir.js";

// `banbot start` as systemd runs it, told to stop (SIGTERM) while a platform is unreachable: it
// must exit within seconds (systemd's TimeoutStopSec would SIGKILL it otherwise, on every restart
// during an outage), and alerts it could not deliver stay in the store for the next start.
type Down = "slack" | "discord" | "both" | "fail2ban";

describe("banbot start stops promptly whatever the platforms are doing", () => {
  const f2b = useFail2ban();
  const tmp = useTempDir("bbq-");
  let running: { bot: BanbotProcess; slack: FakeSlack; discord: FakeDiscord } | undefined;
  let fail2banStopped = false;

  afterEach(async () => {
    if (running && running.bot.child.exitCode === null && running.bot.child.signalCode === null) {
      running.bot.child.kill("SIGKILL");
      await running.bot.exited;
    }
    await running?.slack.close().catch(() => undefined);
    await running?.discord.close().catch(() => undefined);
    running = undefined;
    if (fail2banStopped) await f2b.sandbox.restart();
    fail2banStopped = false;
  });

  it.each<Down>(["slack", "discord", "both", "fail2ban"])("with %s down: exits within 10 s, undelivered alerts kept", { timeout: 60_000 }, async (down) => {
    const slack = await FakeSlack.start();
    const discord = await FakeDiscord.start(FAKE_GUILD);
    const dataDir = join(tmp.path, down);
    const configFile = join(tmp.path, `${down}.yaml`);
    await writeFile(configFile, `alerts:\n  routes:\n    - kinds: [health]\n      slack_channel: C0ALERTS\n      discord_channel: "${FAKE_GUILD.channelId}"\n`);
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      BANBOT_CONFIG: configFile,
      BANBOT_DATA_DIR: dataDir,
      BANBOT_FAIL2BAN_SOCKET: f2b.sandbox.socketPath,
      ...slack.socketModeEnv(),
      ...discord.env(),
    };
    // From the sources: as built, BanBot starts sooner and the SIGTERM can land while discord.js
    // reconnects to the closed fake; its destroy() then drops the socket's error handler and the
    // process dies with exit code 1 (ECONNREFUSED, "Unhandled 'error' event"). A bug of its own,
    // reported; this test keeps the timing it has always had.
    const bot = spawnBanbot(["start"], env, "sources");
    running = { bot, slack, discord };
    await vi.waitFor(() => expect(bot.logs()).toContain('"msg":"BanBot started"'), { timeout: 30_000, interval: 100 });

    if (down === "slack" || down === "both") await slack.close();
    if (down === "discord" || down === "both") await discord.close();
    if (down === "fail2ban") {
      fail2banStopped = true;
      await f2b.sandbox.stop();
    }
    // An alert queued while a platform is down: the running bot tries it and has to keep it.
    const exec = spawnBanbot(["exec", "--", "alerts", "test"], env);
    expect(await exec.exited).toBe(0);
    expect(exec.stdout()).toContain("Test alert queued for 2 channels");
    const outbox = () => {
      const db = new Database(join(dataDir, "banbot.sqlite3"), { readonly: true });
      try {
        return db.prepare<[], { platform: string; state: string; attempts: number }>("SELECT platform, state, attempts FROM outbox ORDER BY platform").all();
      } finally {
        db.close();
      }
    };
    const unreachable = down === "both" ? ["discord", "slack"] : down === "fail2ban" ? [] : [down];
    // The delivery job has tried every platform once (and delivered where it could).
    await vi.waitFor(() => expect(outbox().every((r) => r.attempts > 0 || r.state === "sent")).toBe(true), { timeout: 20_000, interval: 200 });
    await vi.waitFor(() => expect(outbox().filter((r) => r.attempts > 0).length).toBe(2), { timeout: 20_000, interval: 200 });

    const stopAt = performance.now();
    bot.child.kill("SIGTERM");
    const code = await bot.exited;
    const tookMs = performance.now() - stopAt;
    expect(code, bot.logs()).toBe(0);
    expect(tookMs).toBeLessThan(10_000);
    expect(bot.logs()).toContain('"msg":"shutting down"');
    expect(outbox()).toEqual(
      ["discord", "slack"].map((platform) => ({ platform, state: unreachable.includes(platform) ? "pending" : "sent", attempts: expect.any(Number) })),
    );
  });

  // discord.js drops its error handler from a connection it destroys mid-handshake; the handshake's
  // failure would then be an uncaught exception (exit 1 instead of 0) but for BanBot's own listener.
  it("while discord.js is reconnecting: a handshake failing after the stop is logged, exit 0", { timeout: 60_000 }, async () => {
    const slack = await FakeSlack.start();
    const discord = await FakeDiscord.start(FAKE_GUILD);
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      BANBOT_DATA_DIR: join(tmp.path, "reconnecting"),
      BANBOT_FAIL2BAN_SOCKET: f2b.sandbox.socketPath,
      ...slack.socketModeEnv(),
      ...discord.env(),
    };
    const bot = spawnBanbot(["start"], env);
    running = { bot, slack, discord };
    await vi.waitFor(() => expect(bot.logs()).toContain('"msg":"BanBot started"'), { timeout: 30_000, interval: 100 });

    discord.stallHandshakes();
    await discord.handshakeStalled();
    bot.child.kill("SIGTERM");
    await vi.waitFor(() => expect(bot.logs()).toContain('"msg":"stopped"'), { timeout: 20_000, interval: 20 });
    // The bot lingers a second after "stopped": the destroyed connection's handshake fails now.
    discord.failStalled();
    expect(await bot.exited).toBe(0);
    expect(bot.logs()).toContain('"msg":"discord gateway connection failed while closing"');
  });
});
