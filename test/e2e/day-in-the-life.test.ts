import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ADMIN, OPERATOR, VIEWER } from "../adapters/discord/users.js";
import { titleOfBody } from "../fakes/fake-discord-v2.js";
import { FakeDiscord, type RecordedRequest } from "../fakes/fake-discord.js";
import { FAKE_GUILD, slashInteraction, type Member, type SlashSpec } from "../fakes/fake-discord-payloads.js";
import { FakeSlack, type SlackRequest } from "../fakes/fake-slack.js";
import { socketDriver } from "../fakes/fake-slack-driver.js";
import { findButton } from "../fakes/fake-slack-payloads.js";
import { serveList, useListServer } from "../core/blocklist/list-server.js";
import { useClients } from "../harness/client.js";
import { causeBanByLog, useFail2ban } from "../harness/fail2ban.js";
import { spawnBanbot, type BanbotProcess } from "../harness/spawn-banbot.js";

// A day of BanBot as it runs in production: `banbot start` as a child process with Slack (Socket
// Mode) and Discord against the fake platforms, a real fail2ban-server, a config file, and the jobs
// on their real schedules. The jobs run at fixed seconds (health checks every 5 s, as configured;
// spike detection and blocklist imports at :00), so the day is choreographed around what the bot
// does, not around sleeps:
//   - morning chores (a manual ban, a viewer's refused ban, an admin adds a blocklist);
//   - minute M: spike detection takes its first reading and the blocklist is imported;
//   - the attack starts; fail2ban goes down; two checks fail: the health alert; fail2ban comes back,
//     the attack goes on; the next check sees it up: the recovery, threaded;
//   - M+60: the spike alert, counted from the first reading (or M+120, should the outage have held
//     the run at M+60); an operator looks up an attacker and unbans it;
//   - the audit log, through `banbot exec`, has it all; SIGTERM ends the day with exit code 0.
// About 1–2 minutes, depending on where in the minute the bot comes up: checks every 5 s keep the
// outage short, the minute ticks set the pace.

const SLACK_CHANNEL = "C0ALERTS";
const DISCORD_CHANNEL = FAKE_GUILD.channelId;
const SLACK = { admin: "U0ADMIN", operator: "U0OPER", viewer: "U0VIEW" } as const;
const BLOCKLIST = ["192.0.2.101", "192.0.2.102", "192.0.2.103"];
const MANUAL_BAN = "198.51.100.66";
const REFUSED_BAN = "198.51.100.67";

function configYaml(listHost: string, confDir: string): string {
  return `
fail2ban:
  config_dir: ${JSON.stringify(confDir)}
commands:
  rate_limit:
    per_minute: 1000
access:
  grants:
    - role: admin
      slack_users: [${SLACK.admin}]
      discord_users: ["${ADMIN.id}"]
    - role: operator
      slack_users: [${SLACK.operator}]
      discord_roles: ["${OPERATOR.roles![0]}"]
    - role: viewer
      slack_users: [${SLACK.viewer}]
      discord_roles: ["${VIEWER.roles![0]}"]
alerts:
  routes:
    - kinds: [health, spike, blocklist]
      slack_channel: ${SLACK_CHANNEL}
      discord_channel: "${DISCORD_CHANNEL}"
  health:
    failures: 2
    interval: 5s
  spike:
    window_minutes: 2
    min_count: 5
    factor: 2
blocklists:
  allow_private_hosts: [${listHost}]
`;
}

interface DiscordAnswer {
  content?: string;
  embeds?: { title?: string; description?: string }[];
}

describe("a day in the life of BanBot (banbot start, both platforms, real fail2ban)", () => {
  const f2b = useFail2ban();
  const lists = useListServer();
  const connect = useClients();
  const fail2ban = () => connect(f2b.sandbox.socketPath).fail2ban;
  let dir = "";
  let slack: FakeSlack;
  let discord: FakeDiscord;
  let env: Record<string, string | undefined> = {};
  let bot: BanbotProcess | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "bb-day-"));
    slack = await FakeSlack.start();
    discord = await FakeDiscord.start(FAKE_GUILD);
    lists.route("/drop.txt", serveList(`; a small DROP-style list\n${BLOCKLIST.join("\n")}\n`));
    const configFile = join(dir, "banbot.yaml");
    await writeFile(configFile, configYaml("127.0.0.1", join(f2b.sandbox.dir, "conf")));
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      BANBOT_CONFIG: configFile,
      BANBOT_DATA_DIR: join(dir, "data"),
      BANBOT_FAIL2BAN_SOCKET: f2b.sandbox.socketPath,
      ...slack.socketModeEnv(),
      ...discord.env(),
    };
  });
  afterAll(async () => {
    if (bot && bot.child.exitCode === null && bot.child.signalCode === null) {
      bot.child.kill("SIGKILL");
      await bot.exited;
    }
    await slack?.close();
    await discord?.close();
    await rm(dir, { recursive: true, force: true });
  });

  // --- Slack's and Discord's side ---------------------------------------------------------------

  const slackUser = () => socketDriver(slack);
  const slackAsk = async (text: string, user: string) => await slackReply(await slackUser().slash(text, { user, channel: "C0SECOPS" }));
  const slackReply = async (sent: { responseUrl: string }) =>
    await vi.waitFor(
      () => {
        const last = slack.responses(sent.responseUrl).at(-1);
        if (last === undefined || String(last.text).startsWith("⏳")) throw new Error(`no reply at ${sent.responseUrl} yet`);
        return last;
      },
      { timeout: 15_000, interval: 50 },
    );
  const alertPosts = (): SlackRequest[] => slack.calls("chat.postMessage").filter((r) => r.args.channel === SLACK_CHANNEL);
  // The notification text is the title after the tone's emoji.
  const titleOfSlack = (r: SlackRequest) => String(r.args.text).replace(/^[^\p{L}]+/u, "");

  let interaction = 0;
  /** `/f2b …` typed on Discord by `member`; the message it ends with (after a deferral, the edit). */
  async function discordAsk(member: Member, spec: SlashSpec): Promise<DiscordAnswer> {
    const id = `9100000000000${String(++interaction).padStart(5, "0")}`;
    const token = `day-${id}`;
    discord.dispatch("INTERACTION_CREATE", slashInteraction({ id, token, guild: FAKE_GUILD, member }, spec));
    const callback = (await discord.request((r) => r.method === "POST" && r.path.startsWith(`/api/v10/interactions/${id}/`), 15_000)).body as {
      type: number;
      data?: DiscordAnswer;
    };
    if (callback.type !== 5 && callback.type !== 6) return callback.data ?? {};
    const after = await discord.request((r) => r.path.includes(`/webhooks/${FAKE_GUILD.applicationId}/${token}`) && r.method !== "DELETE", 15_000);
    return after.body as DiscordAnswer;
  }
  const discordCalls = (method: string, path: RegExp): RecordedRequest[] =>
    discord.requests.filter((r) => r.method === method && path.test(r.path.replace(/^\/api\/v10/, "")));
  const discordAlertPosts = () => discordCalls("POST", new RegExp(`^/channels/${DISCORD_CHANNEL}/messages$`));
  const titleOfDiscord = (r: RecordedRequest) => titleOfBody(r.body);

  // --- BanBot's store, read-only: when the jobs ran, and which message each alert became ---------

  function readStore<T>(query: (db: Sqlite.Database) => T): T {
    const db = new Sqlite(join(dir, "data", "banbot.sqlite3"), { readonly: true, fileMustExist: true });
    try {
      return query(db);
    } finally {
      db.close();
    }
  }
  const spikeReading = (jail: string) =>
    readStore((db) => db.prepare<[string], { value: string; updated_at: number }>("SELECT value, updated_at FROM alert_state WHERE key = ?").get(`spike:${jail}`));
  const sentMessageId = (like: string) =>
    readStore((db) =>
      db.prepare<[string], { message_id: string | null }>("SELECT message_id FROM outbox WHERE dedupe_key LIKE ? AND state = 'sent' ORDER BY id").get(like),
    )?.message_id;

  // --- the attack: failed logins in alpha from one new address after another ---------------------

  function startAttack() {
    const banned: string[] = [];
    let next = 1;
    let paused = false;
    let stopped = false;
    let failure: unknown;
    let wake: (() => void) | undefined;
    const loop = (async () => {
      while (!stopped) {
        if (paused) {
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        const ip = `203.0.113.${next++}`;
        await causeBanByLog(f2b.sandbox, "alpha", ip, { timeoutMs: 15_000 });
        banned.push(ip);
        // A scan's pace: a new attacker every second or so.
        await new Promise((resolve) => setTimeout(resolve, 750));
      }
    })().catch((err: unknown) => (failure = err));
    return {
      banned,
      get failure() {
        return failure;
      },
      /** Waits for the ban under way, then holds the attack (fail2ban is about to go down). */
      async pause() {
        paused = true;
        // The loop notices within one ban (≤ 15 s); poll for it to settle into the wait.
        await vi.waitFor(() => expect(wake ?? failure).toBeDefined(), { timeout: 20_000, interval: 50 });
      },
      resume() {
        paused = false;
        const w = wake;
        wake = undefined;
        w?.();
      },
      async stop() {
        stopped = true;
        paused = false;
        wake?.();
        await loop;
        if (failure) throw failure instanceof Error ? failure : new Error("the attack failed", { cause: failure });
      },
    };
  }

  it("plays a day: attack and spike alert, lookup and unban, refusals, fail2ban outage and recovery, scheduled import, audit", { timeout: 300_000 }, async () => {
    const host = hostname();
    bot = spawnBanbot(["start"], env);
    await vi.waitFor(() => expect(bot!.logs()).toContain('"msg":"BanBot started"'), { timeout: 30_000, interval: 100 });
    expect(bot.logs()).toContain("this BanBot runs the background jobs");
    await slack.socket.connected();

    // Morning chores. An admin subscribes beta to a list, every five minutes; never run, it is due
    // at once, i.e. at the next minute.
    const added = await slackAsk(`blocklist add drop ${lists.url("/drop.txt")} beta "*/5 * * * *"`, SLACK.admin);
    expect(JSON.stringify(added)).toContain("Added blocklist drop for beta");
    const addedAt = Date.now();

    // On Discord, an operator bans an address by hand; a viewer's attempt changes nothing.
    const manual = await discordAsk(OPERATOR, { subcommand: "ban", options: { ips: MANUAL_BAN, jail: "beta" } });
    expect(JSON.stringify(manual)).toMatch(/Banned/);
    const refused = await discordAsk(VIEWER, { subcommand: "ban", options: { ips: REFUSED_BAN, jail: "beta" } });
    expect(JSON.stringify(refused)).toMatch(/operator role/);
    expect(await fail2ban().jailsBanning([MANUAL_BAN, REFUSED_BAN])).toEqual([["beta"], []]);

    // Minute M: spike detection's first reading, at the same tick as the blocklist import.
    await vi.waitFor(() => expect(spikeReading("alpha")?.updated_at ?? 0).toBeGreaterThan(addedAt), { timeout: 75_000, interval: 200 });
    expect(JSON.parse(spikeReading("alpha")!.value)).toMatchObject({ lastTotal: 0 });
    const attack = startAttack();
    await vi.waitFor(async () => expect(await fail2ban().jailsBanning(BLOCKLIST)).toEqual(BLOCKLIST.map(() => ["beta"])), { timeout: 20_000, interval: 200 });
    expect(bot.logs()).toMatch(/"source":"drop","outcome":"ok","added":3.*"msg":"scheduled blocklist import"/);
    await vi.waitFor(() => expect(attack.banned.length).toBeGreaterThanOrEqual(3), { timeout: 20_000, interval: 100 });

    // fail2ban goes down: two failed checks later, the health alert on both platforms.
    await attack.pause();
    await f2b.sandbox.stop();
    const isDown = (t: string) => t === `fail2ban is not answering on ${host}`;
    const isBack = (t: string) => t === `fail2ban is answering again on ${host}`;
    await vi.waitFor(
      () => {
        expect(alertPosts().map(titleOfSlack).filter(isDown)).toHaveLength(1);
        expect(discordAlertPosts().map(titleOfDiscord).filter(isDown)).toHaveLength(1);
      },
      { timeout: 80_000, interval: 200 },
    );

    // It comes back; the attack goes on. The recovery follows in each alert's thread, and the
    // attack, seen by the next spike run, opens a spike incident.
    await f2b.sandbox.restart();
    attack.resume();
    const healthTs = sentMessageId("health:%:open:slack:%");
    const healthId = sentMessageId("health:%:open:discord:%");
    expect(healthTs).toMatch(/^\d+\.\d+$/);
    expect(healthId).toMatch(/^\d+$/);
    const spikeTitle = `Ban spike in alpha on ${host}`;
    await vi.waitFor(
      () => {
        const recovery = slack.calls("chat.postMessage").filter((r) => isBack(titleOfSlack(r)));
        expect(recovery.map((r) => [r.args.channel, r.args.thread_ts])).toEqual([[SLACK_CHANNEL, healthTs]]);
        expect(discordCalls("POST", new RegExp(`^/channels/${healthId}/messages$`)).map(titleOfDiscord)).toEqual([`fail2ban is answering again on ${host}`]);
        expect(alertPosts().map(titleOfSlack)).toContain(spikeTitle);
        expect(discordAlertPosts().map(titleOfDiscord)).toContain(spikeTitle);
      },
      { timeout: 100_000, interval: 250 },
    );
    await attack.stop();
    // The outage was announced once, in the channel; the recovery went to the thread only.
    const topLevel = alertPosts().filter((r) => r.args.thread_ts === undefined);
    expect(topLevel.map(titleOfSlack).filter((t) => isDown(t) || isBack(t))).toEqual([`fail2ban is not answering on ${host}`]);
    expect(discordAlertPosts().map(titleOfDiscord).filter((t) => isDown(t) || isBack(t))).toEqual([`fail2ban is not answering on ${host}`]);
    expect(discordCalls("POST", /^\/channels\/\d+\/messages\/\d+\/threads$/).map((r) => r.path)).toContain(`/api/v10/channels/${DISCORD_CHANNEL}/messages/${healthId}/threads`);

    // The spike alert names the latest attackers; an operator looks one up on Slack.
    const spikePost = alertPosts().find((r) => titleOfSlack(r) === spikeTitle)!;
    const spikeText = JSON.stringify(spikePost.args.blocks);
    expect(spikeText).toMatch(/\d+ bans in the last 2 minutes/);
    const attacker = attack.banned.filter((ip) => spikeText.includes(`${ip}\\n`) || spikeText.includes(`${ip}"`)).at(-1);
    expect(attacker).toBeDefined();
    expect(JSON.stringify(discordAlertPosts().find((r) => titleOfDiscord(r) === spikeTitle)!.body)).toContain(attacker);
    const lookup = await slackAsk(`ip ${attacker}`, SLACK.operator);
    expect(JSON.stringify(lookup.blocks)).toContain("*Banned in*\\nalpha");
    const unban = findButton(lookup, "Unban");

    // The viewer clicks Unban first: refused, privately, and the ban stays.
    const viewerClick = await slackReply(await slackUser().click(unban, { user: SLACK.viewer, channel: "C0SECOPS", ephemeral: true }));
    expect(JSON.stringify(viewerClick)).toMatch(/You need the operator role for this; you have viewer/);
    expect(await fail2ban().jailsBanning([attacker!])).toEqual([["alpha"]]);
    // The operator's click lifts it.
    const operatorClick = await slackReply(await slackUser().click(unban, { user: SLACK.operator, channel: "C0SECOPS", ephemeral: true }));
    expect(JSON.stringify(operatorClick)).toMatch(/Unbanned/);
    expect(await fail2ban().jailsBanning([attacker!])).toEqual([[]]);
    // The rest of the attack stays banned.
    const others = attack.banned.filter((ip) => ip !== attacker).slice(-3);
    expect(await fail2ban().jailsBanning(others)).toEqual(others.map(() => ["alpha"]));

    // The audit log tells the story, read by a second process on the same data dir.
    const exec = spawnBanbot(["exec", "--json", "--", "audit"], env);
    expect(await exec.exited).toBe(0);
    const audit = JSON.parse(exec.stdout()) as { table: { rows: string[][] } };
    // Newest first. Slack's audit names are the user names Slack sent (the fakes': admin, u0view…).
    const story = audit.table.rows.map(([, who, , command, result]) => `${who} | ${command} | ${result!.split(":")[0]}`);
    // Scheduled imports run at minute ticks that may fall before or after the Discord chores, and a
    // later one may fall in the fail2ban outage (audited as an error): only the first must be a success.
    const scheduled = (line: string) => line.startsWith("system:scheduled import | blocklist-import drop |");
    expect(story.filter(scheduled).at(-1)).toBe("system:scheduled import | blocklist-import drop | ok");
    expect(story.filter((line) => !scheduled(line))).toEqual([
      `slack:u0oper | unban ${attacker} | ok`,
      `slack:u0view | unban ${attacker} | refused`,
      `discord:${VIEWER.username} | ban ${REFUSED_BAN} beta | refused`,
      `discord:${OPERATOR.username} | ban ${MANUAL_BAN} beta | ok`,
      `slack:admin | blocklist-add drop ${lists.url("/drop.txt")} beta "*/5 * * * *" | ok`,
    ]);

    // Evening: SIGTERM, a clean exit.
    bot.child.kill("SIGTERM");
    expect(await bot.exited).toBe(0);
    expect(bot.logs()).toContain('"msg":"shutting down"');
    // No errors logged. A job that ran between fail2ban going down and the next health check may
    // have found the socket gone (a warning); after that check, those jobs were held.
    const lines = bot.logs().split("\n");
    expect(lines.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
    const failedJobs = lines.filter((line) => line.includes('"msg":"job failed"'));
    expect(failedJobs.filter((line) => !/"level":40.*"code":"fail2ban_socket_missing"/.test(line))).toEqual([]);
  });
});
