import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildScheduler } from "../../src/jobs/build.js";
import type { Scheduler } from "../../src/jobs/scheduler.js";
import { main } from "../../src/main.js";
import { silentLog, useClients } from "../harness/client.js";
import { useFail2ban } from "../harness/fail2ban.js";
import { useNats } from "../harness/nats.js";
import { migratedStore } from "../harness/store.js";
import { useTempDir } from "../harness/temp-dir.js";
import { FLEET, fleetKeys, startTestAgent, startTestFront, type TestAgent, type TestFront } from "./fleet-harness.js";

// The whole fleet: a real nats-server with the generated least-privilege config, three agents each
// beside its own real fail2ban-server, and the front as operators reach it: `banbot exec` (main(),
// as the CLI runs it) and the dispatcher chat adapters use, with its jobs for the unreachable alert.

const HOSTS = ["web1", "web2", "db1"] as const;
const DEADLINE = "2s";

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
  let front: TestFront;
  let frontConfig: string;
  let scheduler: Scheduler;

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

  beforeAll(async () => {
    const frontSeed = keys.seedFile(tmp.path, "front");
    const fleetYaml = `  groups:\n    web: [web1, web2]\n  deadline: ${DEADLINE}\n  heartbeat: 1s\n`;
    frontConfig = join(tmp.path, "front.yaml");
    writeFileSync(frontConfig, `fleet:\n  name: ${FLEET}\n  hosts: [${HOSTS.join(", ")}]\n  nkey_seed_file: ${frontSeed}\n${fleetYaml}`);
    front = await startTestFront({ dataDir: join(tmp.path, "front"), url: nats.server.url, seedFile: frontSeed, socket: "/nonexistent/fail2ban.sock", hosts: [...HOSTS], fleetYaml });
    await Promise.all(HOSTS.map(startAgent));
    await front.front.connected();
  }, 60_000);
  afterAll(async () => {
    await scheduler?.stop();
    for (const agent of agents.values()) await agent.stop();
    await front?.stop();
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

  it("answers ip <addr> for every host, in the front's chat path with its roles", async () => {
    await exec("ban 198.51.100.9 beta on db1");
    const reply = await front.core.dispatcher.run("ip 198.51.100.9 on all", { platform: "console", userId: "local", groups: [] });
    expect(reply.table?.columns).toEqual(expect.arrayContaining(["host", "result", "Banned in"]));
    const bannedIn = Object.fromEntries(reply.table!.rows.map((r) => [r[0], r[reply.table!.columns.indexOf("Banned in")]]));
    expect(bannedIn).toEqual({ db1: "beta", web1: "no jail", web2: "no jail" });
    // The button acts where the address is banned, and says so.
    expect(reply.actions).toEqual([{ label: "Unban (db1)", command: "unban 198.51.100.9 on db1" }]);
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

  it("names a host whose agent stopped within the deadline, raises one unreachable alert, and one recovery", async () => {
    scheduler = buildScheduler(front.config, front.core, [], silentLog, { fleet: front.front.hosts });
    expect(scheduler.claim()).toBe(true);
    await agents.get("db1")!.stop();
    agents.delete("db1");

    const started = performance.now();
    const status = await exec("status on all");
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(status.reply.title).toBe("status: 2 of 3 hosts answered");
    expect(status.reply.notes).toContain("db1 did not answer: no agent is listening (stopped, or not connected to NATS).");

    // What the front queued for its alert route (no Slack here to post it).
    const queued = (title: string) => front.db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM outbox WHERE json_extract(reply, '$.title') = ?").get(title)!.n;
    const unreachable = () => queued("db1 is unreachable");
    await vi.waitFor(async () => {
      await scheduler.runNow("fleet-hosts");
      expect(unreachable()).toBe(1);
    }, { timeout: 10_000, interval: 200 });
    await scheduler.runNow("fleet-hosts");
    expect(unreachable()).toBe(1);

    await startAgent("db1");
    const back = () => queued("db1 is answering again");
    await vi.waitFor(async () => {
      await scheduler.runNow("fleet-hosts");
      expect(back()).toBe(1);
    }, { timeout: 10_000, interval: 200 });
  });
});
