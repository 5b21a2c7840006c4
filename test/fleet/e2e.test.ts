import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { jetstreamManager } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Alert } from "../../src/core/alerts/alert.js";
import { main } from "../../src/main.js";
import { useClients } from "../harness/client.js";
import { useFail2ban } from "../harness/fail2ban.js";
import { useNats } from "../harness/nats.js";
import { migratedStore } from "../harness/store.js";
import { useTempDir } from "../harness/temp-dir.js";
import { killIfRunning, spawnBanbot, type BanbotProcess } from "../harness/spawn-banbot.js";
import { FakeSlack, type SlackMessage } from "../fakes/fake-slack.js";
import { socketDriver } from "../fakes/fake-slack-driver.js";
import { findButton } from "../fakes/fake-slack-payloads.js";
import { FLEET, fleetKeys, rawConnection, startTestAgent, subjects, type TestAgent } from "./fleet-harness.js";

// The whole fleet: a real nats-server with the generated least-privilege config, three agents each
// beside its own real fail2ban-server, and the front as operators run it: `banbot start` as its own
// process on a fake Slack (real bolt, Socket Mode), with its jobs and its alert delivery, and
// `banbot exec` (main(), as the CLI runs it) on the front's machine.

const HOSTS = ["web1", "web2", "db1"] as const;
const DEADLINE = "2s";
const ADMIN = "U0ADMIN";
const CHANNEL = "C0FLEET";

interface JsonReply {
  title: string;
  tone: string;
  table?: { columns: string[]; rows: (string | number)[][] };
  notes?: string[];
  actions?: { label: string; command: string }[];
}

describe("a fleet of three hosts, end to end", () => {
  const keys = fleetKeys([...HOSTS]);
  const nats = useNats({ config: (dir) => keys.serverConfig(dir) });
  const f2b = { web1: useFail2ban(), web2: useFail2ban(), db1: useFail2ban() };
  const tmp = useTempDir("bbfleet-e2e-");
  const connect = useClients();
  const agents = new Map<string, TestAgent>();
  let slack: FakeSlack;
  let front: BanbotProcess | undefined;
  let frontConfig: string;
  let frontEnv: Record<string, string | undefined>;

  const startAgent = async (host: (typeof HOSTS)[number]) => {
    const agent = await startTestAgent({ host, socket: f2b[host].sandbox.socketPath, dataDir: join(tmp.path, host), url: nats.server.url, seedFile: keys.seedFile(tmp.path, host), heartbeatMs: 200 });
    await agent.connected();
    agents.set(host, agent);
  };
  const banning = async (host: (typeof HOSTS)[number], ip: string) => (await connect(f2b[host].sandbox.socketPath).fail2ban.jailsBanning([ip]))[0];
  /** `banbot exec --json [--yes] -- <line>` on the front's machine, as a script runs it. */
  const exec = async (line: string, flags: string[] = []): Promise<{ code: number; reply: JsonReply }> => {
    let out = "";
    const env = { BANBOT_LOG_LEVEL: "silent", BANBOT_NATS_URL: nats.server.url, BANBOT_CONFIG: frontConfig, BANBOT_DATA_DIR: join(tmp.path, "exec"), BANBOT_FAIL2BAN_SOCKET: "/nonexistent/fail2ban.sock" };
    const code = await main(["exec", "--json", ...flags, "--", ...line.split(" ")], env, {
      out: (text) => (out += text),
      err: (text) => (out += text),
      stdin: Readable.from([]),
      stdout: new Writable({ write: (_c, _e, done) => done() }),
    });
    return { code, reply: JSON.parse(out) as JsonReply };
  };

  /** `banbot start`, the front, on the fake Slack; resolved once it has Socket Mode and NATS. */
  const startFront = async () => {
    const bot = spawnBanbot(["start"], frontEnv);
    front = bot;
    await vi.waitFor(() => expect(bot.logs()).toContain('"msg":"BanBot started"'), { timeout: 30_000, interval: 100 });
    await vi.waitFor(() => expect(bot.logs()).toContain('"msg":"connected to NATS"'), { timeout: 15_000, interval: 100 });
    await slack.socket.connected();
  };
  const stopFront = async () => {
    front!.child.kill("SIGTERM");
    expect(await front!.exited).toBe(0);
    front = undefined;
  };
  /** A command typed in Slack by the admin; its final reply (what went to the response_url). */
  const typed = async (text: string): Promise<Record<string, unknown>> => {
    const sent = await socketDriver(slack).slash(text, { user: ADMIN, channel: CHANNEL });
    return await vi.waitFor(
      () => {
        const last = slack.responses(sent.responseUrl).at(-1);
        if (last === undefined || String(last.text).startsWith("⏳")) throw new Error(`no reply to "${text}" yet`);
        return last;
      },
      { timeout: 15_000, interval: 50 },
    );
  };
  /** The alert channel's posts (top level) whose text mentions `words`. */
  const posts = (words: string): SlackMessage[] => (slack.channels.get(CHANNEL) ?? []).filter((m) => m.thread_ts === undefined && JSON.stringify(m).includes(words));
  const replies = (words: string): SlackMessage[] => (slack.channels.get(CHANNEL) ?? []).filter((m) => m.thread_ts !== undefined && JSON.stringify(m).includes(words));
  const raise = (host: string, alert: Alert) => agents.get(host)!.core.services.alerts.raise(alert);
  /** The agent has handed it to NATS: it is in the stream. */
  const published = (host: string, incident: string) =>
    vi.waitFor(() => expect(agents.get(host)!.db.prepare<[string], { state: string }>("SELECT state FROM outbox WHERE channel = ?").get(incident)?.state).toBe("sent"), { timeout: 15_000, interval: 100 });

  beforeAll(async () => {
    const frontSeed = keys.seedFile(tmp.path, "front");
    frontConfig = join(tmp.path, "front.yaml");
    writeFileSync(
      frontConfig,
      `access:
  grants:
    - role: admin
      slack_users: [${ADMIN}]
alerts:
  routes:
    - kinds: [health, spike, blocklist, silent, digest]
      slack_channel: ${CHANNEL}
fleet:
  name: ${FLEET}
  hosts: [${HOSTS.join(", ")}]
  nkey_seed_file: ${frontSeed}
  groups:
    web: [web1, web2]
  deadline: ${DEADLINE}
  heartbeat: 1s
`,
    );
    slack = await FakeSlack.start();
    frontEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      BANBOT_CONFIG: frontConfig,
      BANBOT_DATA_DIR: join(tmp.path, "front"),
      BANBOT_FAIL2BAN_SOCKET: "/nonexistent/fail2ban.sock",
      BANBOT_NATS_URL: nats.server.url,
      ...slack.socketModeEnv(),
    };
    await Promise.all(HOSTS.map(startAgent));
    await startFront();
  }, 90_000);
  afterAll(async () => {
    await killIfRunning(front);
    for (const agent of agents.values()) await agent.stop();
    await slack?.close();
  });

  it("lists every host's jails under a host column (exec, on all)", async () => {
    const { code, reply } = await exec("jails on all");
    expect(code).toBe(0);
    expect(reply.title).toBe("jails on 3 hosts");
    expect(reply.table?.columns.slice(0, 2)).toEqual(["host", "jail"]);
    const rows = reply.table?.rows.map((r) => `${r[0]}/${r[1]}`);
    for (const host of HOSTS) expect(rows).toEqual(expect.arrayContaining([`${host}/alpha`, `${host}/beta`]));
  });

  it("bans on a group's hosts only, and unban … everywhere lifts it on every host", async () => {
    const ban = await exec("ban 203.0.113.70 alpha on web");
    expect(ban.reply.table?.rows).toEqual([
      ["web1", "Banned 203.0.113.70 in alpha"],
      ["web2", "Banned 203.0.113.70 in alpha"],
    ]);
    expect([await banning("web1", "203.0.113.70"), await banning("web2", "203.0.113.70"), await banning("db1", "203.0.113.70")]).toEqual([["alpha"], ["alpha"], []]);
    await exec("ban 203.0.113.70 beta on db1");

    const unban = await exec("unban 203.0.113.70 everywhere");
    expect(unban.code).toBe(0);
    expect(unban.reply.title).toBe("unban 203.0.113.70 on 3 hosts");
    expect(unban.reply.table?.rows.map((r) => r[0])).toEqual(["db1", "web1", "web2"]);
    for (const host of HOSTS) expect(await banning(host, "203.0.113.70")).toEqual([]);
    // The front audits what it sent where; each agent audits what it did.
    const execStore = migratedStore(join(tmp.path, "exec", "banbot.sqlite3"));
    try {
      const lines = execStore.prepare<[], { line: string; outcome: string; message: string }>("SELECT command_line AS line, outcome, message FROM audit ORDER BY id").all();
      expect(lines.at(-1)).toEqual({ line: "unban 203.0.113.70 on all", outcome: "ok", message: expect.stringContaining("db1: Unbanned 203.0.113.70 in every jail; web1: ") });
    } finally {
      execStore.close();
    }
    const [agentEntry] = agents.get("db1")!.core.services.audit.query({ limit: 1 });
    expect(agentEntry).toMatchObject({ host: "db1", commandLine: "unban 203.0.113.70", outcome: "ok" });
  });

  it("bans on one host and on a group, and unban … everywhere lifts every ban, typed in Slack", async () => {
    const ip = "203.0.113.71";
    expect(JSON.stringify(await typed(`ban ${ip} beta on db1`))).toContain(`Banned ${ip} in beta`);
    const group = JSON.stringify(await typed(`ban ${ip} alpha on web`));
    for (const host of ["web1", "web2"]) expect(group).toContain(host);
    expect(group).not.toContain("db1");
    expect([await banning("web1", ip), await banning("web2", ip), await banning("db1", ip)]).toEqual([["alpha"], ["alpha"], ["beta"]]);

    const unban = JSON.stringify(await typed(`unban ${ip} everywhere`));
    for (const host of HOSTS) expect(unban).toContain(host);
    for (const host of HOSTS) expect(await banning(host, ip)).toEqual([]);
  });

  it("answers ip <addr> for every host typed in Slack, with a button that acts where the address is banned", async () => {
    await exec("ban 198.51.100.9 beta on db1");
    const reply = await typed("ip 198.51.100.9 on all");
    const text = JSON.stringify(reply);
    expect(text).toContain("ip 198.51.100.9 on 3 hosts");
    for (const host of HOSTS) expect(text).toContain(host);
    const button = findButton(reply, "Unban (db1)");
    expect(button.value).toBe("unban 198.51.100.9 on db1");

    // Clicked by the admin: it runs on db1 through the front.
    const sent = await socketDriver(slack).click(button, { user: ADMIN, channel: CHANNEL });
    await vi.waitFor(() => expect(JSON.stringify(slack.responses(sent.responseUrl).at(-1) ?? {})).toContain("Unbanned 198.51.100.9"), { timeout: 15_000, interval: 50 });
    expect(await banning("db1", "198.51.100.9")).toEqual([]);
  });

  it("asks the front's confirmation for a destructive command on hosts, and --yes confirms it for the whole target", async () => {
    await exec("ban 198.51.100.20 alpha on web1");
    const asked = await exec("unban-all alpha on web1");
    expect(asked.code).toBe(1);
    expect(asked.reply.title).toBe("Confirm: unban-all alpha on web1");
    expect(await banning("web1", "198.51.100.20")).toEqual(["alpha"]);
    const done = await exec("unban-all alpha on web1", ["--yes"]);
    expect(done.code).toBe(0);
    expect(await banning("web1", "198.51.100.20")).toEqual([]);
  });

  it("names a host whose agent stopped within the deadline, posts one unreachable alert in Slack, and one recovery", async () => {
    // Another test may have taken db1 down before (tests run in any order): count from here.
    const before = posts("db1 is unreachable").length;
    await agents.get("db1")!.stop();
    agents.delete("db1");

    const started = performance.now();
    const status = await exec("status on all");
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(status.reply.title).toBe("status: 2 of 3 hosts answered");
    expect(status.reply.notes).toContain("db1 did not answer: no agent is listening (stopped, or not connected to NATS).");

    // The front's own jobs watch the heartbeats (every second here) and post to its alert channel.
    await vi.waitFor(() => expect(posts("db1 is unreachable")).toHaveLength(before + 1), { timeout: 15_000, interval: 200 });
    await startAgent("db1");
    await vi.waitFor(() => expect(replies("db1 is answering again")).toHaveLength(before + 1), { timeout: 15_000, interval: 200 });
    expect(posts("db1 is unreachable")).toHaveLength(before + 1);
  });

  it("names a host whose agent process died without a word (SIGKILL, no last heartbeat), with one unreachable alert", async () => {
    // db1 as operators run it: `banbot agent`, its own process, beating every second; then killed.
    // A silent death reads "heartbeats stopped", unlike a stop on purpose ("said it was stopping").
    const died = () => posts("db1 is unreachable").filter((m) => JSON.stringify(m).includes("heartbeats stopped"));
    await agents.get("db1")!.stop();
    agents.delete("db1");
    const agentConfig = join(tmp.path, "db1-agent.yaml");
    writeFileSync(agentConfig, `fleet:\n  name: ${FLEET}\n  nkey_seed_file: ${keys.seedFile(tmp.path, "db1")}\n  heartbeat: 1s\n`);
    const agent = spawnBanbot(["agent"], {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      BANBOT_CONFIG: agentConfig,
      BANBOT_DATA_DIR: join(tmp.path, "db1-process"),
      BANBOT_FAIL2BAN_SOCKET: f2b.db1.sandbox.socketPath,
      BANBOT_NATS_URL: nats.server.url,
      BANBOT_HOST: "db1",
    });
    try {
      await vi.waitFor(async () => expect((await exec("status on db1")).code).toBe(0), { timeout: 30_000, interval: 200 });
      // The swap may have shown db1 "stopping" to the front for a moment: after a few of its beats and
      // the front's checks (each a second), any such alert is resolved and posted.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await vi.waitFor(() => expect(replies("db1 is answering again")).toHaveLength(posts("db1 is unreachable").length), { timeout: 15_000, interval: 200 });
      expect(died()).toHaveLength(0);

      agent.child.kill("SIGKILL");
      await agent.exited;
      expect(agent.child.signalCode).toBe("SIGKILL");
      expect(agent.logs()).not.toContain("agent stopped");

      const started = performance.now();
      const status = await exec("status on all");
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(status.reply.title).toBe("status: 2 of 3 hosts answered");
      expect(status.reply.notes?.filter((n) => n.startsWith("db1 did not answer: "))).toHaveLength(1);

      // No "stopping" beat came: the front finds the heartbeats missing and posts once, however long it keeps checking.
      await vi.waitFor(() => expect(died()).toHaveLength(1), { timeout: 20_000, interval: 200 });
      // Three more of the front's checks (one a second) with db1 still silent: no second post.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(died()).toHaveLength(1);
      expect(JSON.stringify(died()[0])).toContain("Last heartbeat");
    } finally {
      await killIfRunning(agent);
      await startAgent("db1");
    }
    await vi.waitFor(() => expect(replies("db1 is answering again")).toHaveLength(posts("db1 is unreachable").length), { timeout: 15_000, interval: 200 });
  });

  it("posts in Slack, once each, the alerts agents raised while the front was down", async () => {
    const alert = (incident: string, kind: Alert["kind"], title: string): Alert => ({ kind, jail: "alpha", incident, step: "open", reply: { title, tone: "warn" } });
    raise("web1", alert("e2e-before:1", "blocklist", "Blocklist e2e-before changed alpha"));
    await vi.waitFor(() => expect(posts("Blocklist e2e-before changed alpha")).toHaveLength(1), { timeout: 15_000, interval: 100 });

    await stopFront();
    raise("web2", alert("e2e-while-down:1", "blocklist", "Blocklist e2e-while-down changed alpha"));
    raise("db1", alert("silent:db1:alpha:1", "silent", "Jail alpha on db1 is silent"));
    await published("web2", "e2e-while-down:1");
    await published("db1", "silent:db1:alpha:1");

    await startFront();
    await vi.waitFor(() => expect(posts("Blocklist e2e-while-down changed alpha")).toHaveLength(1), { timeout: 15_000, interval: 100 });
    await vi.waitFor(() => expect(posts("Jail alpha on db1 is silent")).toHaveLength(1), { timeout: 15_000, interval: 100 });
    // Nothing more is on its way: the durable consumer has every event acknowledged, none pending.
    const nc = await rawConnection(nats.server.url, keys.seed("front"), subjects.frontInbox);
    try {
      const jsm = await jetstreamManager(nc);
      await vi.waitFor(async () => {
        const info = await jsm.consumers.info(subjects.stream, subjects.consumer);
        expect({ pending: info.num_pending, unacked: info.num_ack_pending }).toEqual({ pending: 0, unacked: 0 });
      }, { timeout: 10_000, interval: 100 });
    } finally {
      await nc.close();
    }
    // And the front's outbox has nothing left to post: every post above is all there will be.
    const store = migratedStore(join(tmp.path, "front", "banbot.sqlite3"));
    try {
      await vi.waitFor(() => expect(store.prepare<[], { n: number }>("SELECT count(*) AS n FROM outbox WHERE state = 'pending'").get()!.n).toBe(0), { timeout: 10_000, interval: 100 });
    } finally {
      store.close();
    }
    expect(posts("Blocklist e2e-before changed alpha")).toHaveLength(1);
    expect(posts("Blocklist e2e-while-down changed alpha")).toHaveLength(1);
    expect(posts("Jail alpha on db1 is silent")).toHaveLength(1);
  });
});
