import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDiscordAdapter } from "../../../src/adapters/discord/client.js";
import { createSlackAdapter } from "../../../src/adapters/slack/app.js";
import type { Alert } from "../../../src/core/alerts/alert.js";
import { checkHealth } from "../../../src/core/alerts/health.js";
import { deliverDue } from "../../../src/core/alerts/outbox-worker.js";
import { SpikeDetector } from "../../../src/core/alerts/spike.js";
import { buildCore, type Core } from "../../../src/compose.js";
import { loadConfig, type Config } from "../../../src/config.js";
import type { ChatAdapter } from "../../../src/core/chat.js";
import { titleOfBody } from "../../fakes/fake-discord-v2.js";
import { FakeDiscord, type RecordedRequest } from "../../fakes/fake-discord.js";
import { FAKE_GUILD } from "../../fakes/fake-discord-payloads.js";
import { FakeSlack, type SlackRequest } from "../../fakes/fake-slack.js";
import { TestClock } from "../../harness/banbot.js";
import { silentLog } from "../../harness/client.js";
import { causeBansByLog, useFail2ban } from "../../harness/fail2ban.js";
import { migratedStore } from "../../harness/store.js";
import { useTempDir } from "../../harness/temp-dir.js";
import { ownBansQuery } from "../../../src/store/own-bans.js";

// End to end: real fail2ban-server, BanBot's real core on a real SQLite file, the real bolt and
// discord.js adapters posting to the fake platforms. The jobs are not scheduled: each test calls
// what build.ts schedules (checkHealth, the spike detector's tick, deliverDue) itself, on a clock it moves.

const SLACK_CHANNEL = "C0ALERTS";
const DISCORD_CHANNEL = FAKE_GUILD.channelId;
const YAML = `
alerts:
  routes:
    - kinds: [health, spike]
      slack_channel: ${SLACK_CHANNEL}
      discord_channel: "${DISCORD_CHANNEL}"
  health:
    failures: 3
  spike:
    window_minutes: 3
    min_count: 10
    factor: 4
`;

/** One BanBot process: store, core and both adapters; `shutdown` drops all of it. */
interface Instance {
  db: Database;
  core: Core;
  adapters: Map<"slack" | "discord", ChatAdapter>;
  shutdown(): Promise<void>;
}

describe("alert delivery end to end (real fail2ban, real adapters, fake Slack and Discord)", () => {
  const f2b = useFail2ban();
  // Starts at the real time: spike alerts list the bans fail2ban stamped within the window.
  const clock = new TestClock(Date.now());
  const tmp = useTempDir("bb-e2e-");
  let config: Config;
  let slack: FakeSlack;
  let discord: FakeDiscord;
  let bot: Instance;

  async function boot(): Promise<Instance> {
    const db = migratedStore(join(tmp.path, "banbot.sqlite3"));
    const core = buildCore(config, db, silentLog, clock);
    const slackAdapter = createSlackAdapter({
      slack: slack.slackConfig(),
      commands: config.commands,
      grants: config.access.grants,
      dispatcher: core.dispatcher,
      log: silentLog,
      host: "127.0.0.1",
    });
    const discordAdapter = createDiscordAdapter({
      discord: { token: "fake-bot-token", applicationId: FAKE_GUILD.applicationId, guildId: FAKE_GUILD.id, apiUrl: `${discord.apiUrl}/` },
      commands: config.commands,
      dispatcher: core.dispatcher,
      fail2ban: core.services.fail2ban,
      catalogue: core.services.catalogue,
      log: silentLog,
    });
    await slackAdapter.start();
    await discordAdapter.start();
    return {
      db,
      core,
      adapters: new Map<"slack" | "discord", ChatAdapter>([
        ["slack", slackAdapter],
        ["discord", discordAdapter],
      ]),
      async shutdown() {
        await slackAdapter.stop();
        await discordAdapter.stop();
        await core.close();
        db.close();
      },
    };
  }

  beforeAll(async () => {
    const base = loadConfig({ BANBOT_FAIL2BAN_SOCKET: f2b.sandbox.socketPath, BANBOT_DATA_DIR: tmp.path }, YAML);
    config = { ...base, fail2ban: { ...base.fail2ban, configDir: join(f2b.sandbox.dir, "conf") } };
    slack = await FakeSlack.start();
    discord = await FakeDiscord.start(FAKE_GUILD);
    bot = await boot();
  });
  afterAll(async () => {
    await bot?.shutdown();
    await slack?.close();
    await discord?.close();
  });

  // What build.ts wires into the jobs, called directly.
  const raise = (alert: Alert) => void bot.core.services.alerts.raise(alert);
  const deliver = () => deliverDue({ outbox: bot.core.outbox, adapters: bot.adapters, now: () => clock.now(), log: silentLog });
  const healthCheck = () =>
    checkHealth({ fail2ban: bot.core.services.fail2ban, state: bot.core.alertState, raise, now: () => clock.now(), host: "web1", threshold: config.alerts.health.failures, timeoutMs: config.fail2ban.timeoutMs });
  // Without the history capture in this sandbox, the detector reads fail2ban's counter at each tick.
  const spikeDetector = () =>
    new SpikeDetector({
      ...config.alerts.spike,
      fail2ban: bot.core.services.fail2ban,
      state: bot.core.alertState,
      raise,
      now: () => clock.now(),
      host: "web1",
      ownBans: ownBansQuery(bot.db, bot.core.services.host),
    });

  // What each platform received, from a given request on.
  const slackMark = () => slack.requests.length;
  const discordMark = () => discord.requests.length;
  const slackCalls = (from: number, method: string): SlackRequest[] => slack.requests.slice(from).filter((r) => r.path === `/api/${method}`);
  const discordCalls = (from: number, method: string, path: RegExp): RecordedRequest[] =>
    discord.requests.slice(from).filter((r) => r.method === method && path.test(r.path.replace(/^\/api\/v10/, "")));
  const channelPosts = (from: number) => discordCalls(from, "POST", new RegExp(`^/channels/${DISCORD_CHANNEL}/messages$`));
  // Slack's notification text is the title after the tone's emoji.
  const textOf = (r: SlackRequest) => String(r.args.text).replace(/^[^\p{L}]+/u, "");
  const titleOf = (r: RecordedRequest) => titleOfBody(r.body);

  it("stopping fail2ban gives one health alert per platform within the configured checks; restarting it one threaded recovery", async () => {
    const s0 = slackMark();
    const d0 = discordMark();
    const tick = async () => {
      await healthCheck();
      await deliver();
      clock.advance(30_000);
    };
    await tick();
    await f2b.sandbox.stop();
    // Fewer failed checks than configured: nothing yet.
    for (let i = 1; i < config.alerts.health.failures; i++) await tick();
    expect(slackCalls(s0, "chat.postMessage")).toHaveLength(0);
    expect(channelPosts(d0)).toHaveLength(0);
    await tick();
    // The outage goes on: still exactly one alert on each platform.
    for (let i = 0; i < 6; i++) await tick();
    const slackPosts = slackCalls(s0, "chat.postMessage");
    expect(slackPosts.map((r) => [r.args.channel, textOf(r), r.args.thread_ts])).toEqual([[SLACK_CHANNEL, "fail2ban is not answering on web1", undefined]]);
    const discordPosts = channelPosts(d0);
    expect(discordPosts.map(titleOf)).toEqual(["fail2ban is not answering on web1"]);

    await f2b.sandbox.restart();
    await tick();
    await tick();
    await tick();
    const slackAfter = slackCalls(s0, "chat.postMessage");
    expect(slackAfter).toHaveLength(2);
    const alertTs = messageIdOf(bot, "health:", "slack");
    expect(alertTs).toMatch(/^\d+\.\d+$/);
    expect(slackAfter[1]!.args).toMatchObject({ channel: SLACK_CHANNEL, thread_ts: alertTs });
    expect(textOf(slackAfter[1]!)).toBe("fail2ban is answering again on web1");
    expect(JSON.stringify(slackAfter[1]!.args.blocks)).toMatch(/The outage lasted 4m30s/);

    // Discord: the recovery goes into the thread started from the alert, not to the channel.
    expect(channelPosts(d0)).toHaveLength(1);
    const alertId = messageIdOf(bot, "health:", "discord");
    const threads = discordCalls(d0, "POST", /^\/channels\/\d+\/messages\/\d+\/threads$/);
    expect(threads.map((r) => r.path)).toEqual([`/api/v10/channels/${DISCORD_CHANNEL}/messages/${alertId}/threads`]);
    const inThread = discordCalls(d0, "POST", new RegExp(`^/channels/${alertId}/messages$`));
    expect(inThread.map(titleOf)).toEqual(["fail2ban is answering again on web1"]);
    expect(bot.core.outbox.pendingCount()).toBe(0);
  });

  it("a burst of bans opens one spike incident, updated in place, then resolved in its thread", async () => {
    const s0 = slackMark();
    const d0 = discordMark();
    // fail2ban stamps its bans with the real time, which the earlier test's minutes ran ahead of.
    clock.at = Date.now();
    const spikes = spikeDetector();
    const minute = async (bans: number, from: number) => {
      if (bans > 0) await causeBansByLog(f2b.sandbox, "alpha", Array.from({ length: bans }, (_, i) => `203.0.113.${from + i}`));
      await spikes.tick();
      await deliver();
      clock.advance(60_000);
    };
    await minute(0, 0);
    await minute(12, 1);
    const opened = slackCalls(s0, "chat.postMessage");
    expect(opened.map(textOf)).toEqual(["Ban spike in alpha on web1"]);
    expect(JSON.stringify(opened[0]!.args.blocks)).toMatch(/12 bans in the last 3 minutes/);
    expect(channelPosts(d0).map(titleOf)).toEqual(["Ban spike in alpha on web1"]);
    const ts = messageIdOf(bot, "spike:", "slack");
    const discordId = messageIdOf(bot, "spike:", "discord");

    await minute(20, 20);
    const updates = slackCalls(s0, "chat.update");
    expect(updates.map((r) => [r.args.channel, r.args.ts])).toEqual([[SLACK_CHANNEL, ts]]);
    expect(JSON.stringify(updates[0]!.args.blocks)).toMatch(/32 bans in the last 3 minutes/);
    const edits = discordCalls(d0, "PATCH", /^\/channels\/\d+\/messages\/\d+$/);
    expect(edits.map((r) => r.path)).toEqual([`/api/v10/channels/${DISCORD_CHANNEL}/messages/${discordId}`]);
    expect(JSON.stringify(edits[0]!.body)).toMatch(/32 bans in the last 3 minutes/);

    // Calm minutes until the window is empty, and two more: the resolution.
    for (let i = 0; i < 6 && slackCalls(s0, "chat.postMessage").length < 2; i++) await minute(0, 0);
    const posts = slackCalls(s0, "chat.postMessage");
    expect(posts.map((r) => [textOf(r), r.args.thread_ts])).toEqual([
      ["Ban spike in alpha on web1", undefined],
      ["Ban spike in alpha is over", ts],
    ]);
    expect(slackCalls(s0, "chat.update")).toHaveLength(1);
    expect(channelPosts(d0)).toHaveLength(1);
    expect(discordCalls(d0, "POST", new RegExp(`^/channels/${discordId}/messages$`)).map(titleOf)).toEqual(["Ban spike in alpha is over"]);
    // Calm from here on: nothing more.
    for (let i = 0; i < 3; i++) await minute(0, 0);
    expect(slackCalls(s0, "chat.postMessage")).toHaveLength(2);
    expect(discordCalls(d0, "POST", /messages$/)).toHaveLength(2);
  });

  it("500s and 429s delay delivery but lose and duplicate nothing, also across a BanBot restart", async () => {
    const s0 = slackMark();
    const d0 = discordMark();
    const reply = (title: string) => ({ title, tone: "warn" as const });
    const alerts: Alert[] = [
      { kind: "spike", jail: "beta", incident: "spike:web1:beta:x", step: "open", reply: reply("X opened") },
      { kind: "spike", jail: "beta", incident: "spike:web1:beta:x", step: "update", seq: 1, reply: reply("X grew") },
      { kind: "spike", jail: "alpha", incident: "spike:web1:alpha:y", step: "open", reply: reply("Y opened") },
      { kind: "spike", jail: "beta", incident: "spike:web1:beta:x", step: "resolve", reply: reply("X over") },
    ];
    expect(bot.core.services.alerts.raise(alerts[0]!)).toBe(2);
    await deliver();
    expect(bot.core.outbox.pendingCount()).toBe(0);

    // Slack: three deliveries answer 500 (the outbox does the retrying), then two 429s.
    // Discord: one delivery's four tries (discord.js retries 5xx thrice) answer 500, then a 429 of 1 s.
    const SLACK_FAULTS = 5;
    for (let i = 0; i < 3; i++) slack.failNext({ target: "chat.update", status: 500, error: "internal_error" });
    for (let i = 0; i < 2; i++) slack.failNext({ target: "chat.update", status: 429, headers: { "retry-after": "30" }, error: "ratelimited" });
    for (let i = 0; i < 4; i++) discord.failNext({ method: "PATCH", path: /\/channels\/\d+\/messages\/\d+$/, status: 500, body: { message: "500: Internal Server Error", code: 0 } });
    discord.rateLimitNext("PATCH", /\/channels\/\d+\/messages\/\d+$/, 1);
    for (const a of alerts.slice(1)) bot.core.services.alerts.raise(a);

    // First try: both platforms fail; nothing of the three new messages gets out (each channel keeps its order).
    const first = await deliver();
    expect(first).toEqual({ sent: 0, waiting: 2 });
    expect(bot.core.outbox.pendingCount()).toBe(6);
    // Backoff is measured on the outbox clock: without moving it, nothing is retried.
    const before = [slack.requests.length, discord.requests.length];
    await deliver();
    expect([slack.requests.length, discord.requests.length]).toEqual(before);
    clock.advance(5_000);
    // Slack: the first 429, waited out on the outbox clock. Discord: @discordjs/rest waits the 429's
    // retry_after (1 s) itself inside the post, then that channel's three messages go out in order.
    await deliver();
    expect(bot.core.outbox.pendingCount()).toBe(3);

    // BanBot restarts mid-outage; the detectors raise the same alerts again.
    await bot.shutdown();
    bot = await boot();
    for (const a of alerts) expect(bot.core.services.alerts.raise(a)).toBe(0);
    expect(bot.core.outbox.pendingCount()).toBe(3);

    // About a minute of outage on the outbox clock, then everything is out.
    const started = Date.now();
    while (bot.core.outbox.pendingCount() > 0) {
      if (Date.now() - started > 10_000) throw new Error(`still pending: ${bot.core.outbox.pendingCount()}`);
      clock.advance(10_000);
      await deliver();
    }
    expect(slackCalls(s0, "chat.update").length).toBeGreaterThanOrEqual(SLACK_FAULTS + 1);

    // Every fault was answered (faults are served first come, first served), and then each message went out once.
    // In the channel's order: what waited out the faults went first, the later messages after it.
    const chat = slack.requests.slice(s0).filter((r) => r.path.startsWith("/api/chat."));
    expect(chat.slice(1 + SLACK_FAULTS).map((r) => [r.path, textOf(r)])).toEqual([
      ["/api/chat.update", "X grew"],
      ["/api/chat.postMessage", "Y opened"],
      ["/api/chat.postMessage", "X over"],
    ]);
    const slackUpdates = slackCalls(s0, "chat.update").slice(SLACK_FAULTS);
    expect(slackUpdates.map(textOf)).toEqual(["X grew"]);
    const slackPosts = slackCalls(s0, "chat.postMessage");
    const xTs = messageIdOf(bot, "spike:web1:beta:x", "slack");
    expect(slackPosts.map((r) => [textOf(r), r.args.thread_ts])).toEqual([
      ["X opened", undefined],
      ["Y opened", undefined],
      ["X over", xTs],
    ]);

    const faulted = discord.requests.slice(d0).filter((r) => r.fault);
    expect(faulted).toHaveLength(5);
    const ok = (r: RecordedRequest) => !r.fault;
    expect(discordCalls(d0, "PATCH", /^\/channels\/\d+\/messages\/\d+$/).filter(ok).map(titleOf)).toEqual(["X grew"]);
    expect(channelPosts(d0).filter(ok).map(titleOf)).toEqual(["X opened", "Y opened"]);
    const xId = messageIdOf(bot, "spike:web1:beta:x", "discord");
    expect(discordCalls(d0, "POST", new RegExp(`^/channels/${xId}/messages$`)).filter(ok).map(titleOf)).toEqual(["X over"]);

    // Delivering again (another restart, another tick) sends nothing more.
    await bot.shutdown();
    bot = await boot();
    const posted = () => [slack.requests.filter((r) => r.path.startsWith("/api/chat.")).length, discord.requests.filter((r) => r.path.includes("/channels/")).length];
    const after = posted();
    clock.advance(600_000);
    expect(await deliver()).toEqual({ sent: 0, waiting: 0 });
    expect(posted()).toEqual(after);
    const states = bot.db.prepare("SELECT state, COUNT(*) AS n FROM outbox WHERE dedupe_key LIKE 'spike:web1:beta:x:%' OR dedupe_key LIKE 'spike:web1:alpha:y:%' GROUP BY state").all();
    expect(states).toEqual([{ state: "sent", n: 8 }]);
  });
});

function outboxKeys(db: Database, like: string): string[] {
  return db
    .prepare<[string], { dedupe_key: string }>("SELECT dedupe_key FROM outbox WHERE dedupe_key LIKE ? ORDER BY id")
    .all(like)
    .map((r) => r.dedupe_key);
}

/** The platform's ID of the first post of the (latest) incident whose key starts with `prefix`. */
function messageIdOf(bot: Instance, prefix: string, platform: "slack" | "discord"): string {
  const key = outboxKeys(bot.db, `${prefix}%:open:${platform}:%`).at(-1);
  const id = key === undefined ? undefined : bot.core.outbox.sent(key)?.id;
  if (id === undefined) throw new Error(`no ${platform} post for ${prefix}`);
  return id;
}
