import { readFileSync, statSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, describe, expect, it, vi } from "vitest";
import { CONSOLE_IDENTITY } from "../../src/core/identity.js";
import { FleetClient } from "../../src/fleet/front/client.js";
import { HeartbeatTracker } from "../../src/fleet/front/heartbeats.js";
import { main } from "../../src/main.js";
import { silentLog } from "../harness/client.js";
import { startNatsServer, type NatsServer } from "../harness/nats.js";
import { killIfRunning, spawnBanbot, type BanbotProcess } from "../harness/spawn-banbot.js";
import { migratedStore } from "../harness/store.js";
import { useTempDir } from "../harness/temp-dir.js";
import { fleetSubjects } from "../../src/fleet/subjects.js";
import { rawConnection } from "./fleet-harness.js";

// The commands as operators run them: `banbot fleet-config` writes the server's configuration and
// the keys; nats-server runs with that file; `banbot agent` and `banbot start` run as processes.

const subjects = fleetSubjects("prod");
const NO_FAIL2BAN = "/nonexistent/fail2ban.sock";

async function runMain(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, { BANBOT_LOG_LEVEL: "silent" }, {
    out: (line) => (out += `${line}\n`),
    err: (line) => (err += `${line}\n`),
    stdin: Readable.from([]),
    stdout: new Writable({ write: (_c, _e, done) => done() }),
  });
  return { code, out, err };
}

describe("banbot fleet-config, agent and start in fleet mode", () => {
  const tmp = useTempDir("bbfleet-cli-");
  const keysDir = () => join(tmp.path, "keys");
  let nats: NatsServer | undefined;
  let agent: BanbotProcess | undefined;
  let front: BanbotProcess | undefined;
  let watcher: NatsConnection | undefined;

  afterAll(async () => {
    await killIfRunning(agent);
    await killIfRunning(front);
    await watcher?.close();
    await nats?.stop();
  });

  it("refuses to run an agent without BANBOT_NATS_URL", async () => {
    const run = await runMain(["agent"]);
    expect(run).toMatchObject({ code: 2, err: expect.stringContaining("banbot agent needs BANBOT_NATS_URL") });
  });

  it("writes the server's configuration and one key per process, and never overwrites them", async () => {
    const first = await runMain(["fleet-config", "--hosts", "web1,web2", "--fleet", "prod", "--out", keysDir()]);
    expect(first.code).toBe(0);
    const conf = readFileSync(join(keysDir(), "nats-server.conf"), "utf8");
    expect(first.out.trim()).toBe(conf.trim());
    expect(conf).toContain('subscribe: { allow: ["banbot.prod.cmd.web1", "banbot.prod.inbox.agent.web1.>"] }');
    for (const file of ["front.nk", "agent-web1.nk", "agent-web2.nk"]) {
      expect(statSync(join(keysDir(), file)).mode & 0o777).toBe(0o600);
      // The seed is in its file only: the configuration holds the public key.
      const seed = readFileSync(join(keysDir(), file), "utf8").trim();
      expect(seed).toMatch(/^SU[A-Z2-7]+$/);
      expect(conf).not.toContain(seed);
    }

    const again = await runMain(["fleet-config", "--hosts", "web1", "--out", keysDir()]);
    expect(again).toMatchObject({ code: 1, err: expect.stringContaining("Not overwriting") });
    expect(readFileSync(join(keysDir(), "nats-server.conf"), "utf8")).toBe(conf);
    expect(await runMain(["fleet-config", "--hosts", "web.1,all"])).toMatchObject({ code: 2, err: expect.stringContaining("web.1, all") });
  });

  it("runs an agent and a front as processes: commands answered, alerts routed, a clean goodbye", { timeout: 90_000 }, async () => {
    // Keys of its own, as an operator makes them (the previous test's are not there when it runs alone).
    const keys = join(tmp.path, "run-keys");
    expect(await runMain(["fleet-config", "--hosts", "web1,web2", "--fleet", "prod", "--out", keys])).toMatchObject({ code: 0 });
    // The generated file as written, but for where JetStream keeps its store.
    const serverConfig = readFileSync(join(keys, "nats-server.conf"), "utf8").replace('"/var/lib/nats"', JSON.stringify(join(tmp.path, "js")));
    nats = await startNatsServer({ dir: tmp.path, config: serverConfig });
    const config = (seed: string, extra = "") => `fleet:\n  name: prod\n  nkey_seed_file: ${join(keys, seed)}\n${extra}`;
    await writeFile(join(tmp.path, "agent.yaml"), config("agent-web1.nk"));
    await writeFile(join(tmp.path, "front.yaml"), `alerts:\n  routes:\n    - kinds: [health]\n      slack_channel: C0FLEET\n${config("front.nk", "  hosts: [web1, web2]\n")}`);
    const env = (name: string, extra: Record<string, string> = {}) => ({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      BANBOT_NATS_URL: nats!.url,
      BANBOT_CONFIG: join(tmp.path, `${name}.yaml`),
      BANBOT_DATA_DIR: join(tmp.path, name),
      BANBOT_FAIL2BAN_SOCKET: NO_FAIL2BAN,
      ...extra,
    });
    watcher = await rawConnection(nats.url, new TextEncoder().encode(readFileSync(join(keys, "front.nk"), "utf8").trim()), subjects.frontInbox);
    const tracker = new HeartbeatTracker({ subjects, expected: [], now: () => Date.now(), log: silentLog });
    tracker.listen(watcher);

    agent = spawnBanbot(["agent"], env("agent", { BANBOT_HOST: "web1" }));
    front = spawnBanbot(["start"], env("front"));
    await vi.waitFor(() => expect(front!.logs()).toContain('"msg":"connected to NATS"'), { timeout: 30_000, interval: 100 });
    await vi.waitFor(() => expect(tracker.presence("web1").state).toBe("alive"), { timeout: 30_000, interval: 100 });

    const client = new FleetClient({ connection: () => watcher, subjects, log: silentLog });
    const [answer] = await client.run("alerts test", ["web1"], { actor: CONSOLE_IDENTITY, role: "operator", confirmed: false, deadlineMs: 10_000 });
    expect(answer).toMatchObject({ host: "web1", answered: true, outcome: "ok" });

    // The agent's test alert, in the front's outbox for its route (no Slack here to post it).
    const frontStore = () => {
      const db = migratedStore(join(tmp.path, "front", "banbot.sqlite3"));
      try {
        return db.prepare<[], { reply: string }>("SELECT reply FROM outbox").all().map((r) => (JSON.parse(r.reply) as { title: string }).title);
      } finally {
        db.close();
      }
    };
    await vi.waitFor(() => expect(frontStore()).toEqual(["Test alert from BanBot on web1"]), { timeout: 20_000, interval: 200 });

    agent.child.kill("SIGTERM");
    expect(await agent.exited).toBe(0);
    await vi.waitFor(() => expect(tracker.presence("web1").state).toBe("stopped"), { timeout: 10_000, interval: 50 });
    front.child.kill("SIGTERM");
    expect(await front.exited).toBe(0);
    tracker.stop();
    expect(await readFile(join(tmp.path, "agent", "banbot.sqlite3")).then((b) => b.length)).toBeGreaterThan(0);
  });
});
