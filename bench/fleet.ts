import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createUser } from "@nats-io/nkeys";
import pino from "pino";
import { buildCore, type Core } from "../src/compose.js";
import { loadConfig } from "../src/config.js";
import { CONSOLE_IDENTITY } from "../src/core/identity.js";
import { openDatabase } from "../src/db/open.js";
import { migrate } from "../src/db/migrate.js";
import { agentSetup, startAgent, type RunningAgent } from "../src/fleet/agent/agent.js";
import { createFront, type Front } from "../src/fleet/front/front.js";
import { fleetConnectionOptions } from "../src/fleet/connection-options.js";
import { natsServerConfig } from "../src/fleet/server-config.js";
import { migrationsDir } from "../src/paths.js";
import { startFail2banSandbox } from "../src/sandbox/fail2ban-sandbox.js";
import { startNatsServer } from "../test/harness/nats-server.js";
import { TEST_JAILS } from "../test/harness/test-jails.js";
import { median, ms, percentile, printTable, time, verdict } from "./report.js";

const run = promisify(execFile);
const RUNS = 15;
const SIZES = [3, 20];
const TARGET_MS = 1_000;
const FLEET = "bench";

// `status on all` and `unban <ip> everywhere` through the front's dispatcher (what `banbot exec`,
// the console and chat run) to N real agents over a real nats-server with the generated
// least-privilege config; the agents share one sandboxed fail2ban (each has its own store and core).
// Against: asking each host in turn with fail2ban-client, the loop an operator writes over SSH
// (here without SSH's own cost, so the loop's time is a floor).
export async function benchFleet(): Promise<void> {
  const log = pino({ level: "silent" });
  const dir = mkdtempSync(join(tmpdir(), "bbbench-fleet-"));
  const sandbox = await startFail2banSandbox({ jails: TEST_JAILS });
  const hosts = Array.from({ length: Math.max(...SIZES) }, (_, i) => `h${String(i + 1).padStart(2, "0")}`);
  const keys = new Map(["front", ...hosts].map((who) => [who, createUser()] as const));
  const seedFile = (who: string) => {
    const path = join(dir, `${who}.nk`);
    writeFileSync(path, new TextDecoder().decode(keys.get(who)!.getSeed()), { mode: 0o600 });
    return path;
  };
  const nats = await startNatsServer({
    dir,
    config: natsServerConfig({ fleet: FLEET, frontKey: keys.get("front")!.getPublicKey(), agents: hosts.map((host) => ({ host, key: keys.get(host)!.getPublicKey() })), listen: "127.0.0.1:-1", storeDir: join(dir, "js") }),
  });
  const closers: (() => Promise<void>)[] = [];
  const coreAt = (name: string, env: Record<string, string>, yaml: string, opts: Parameters<typeof buildCore>[4] = {}) => {
    const config = loadConfig({ BANBOT_FAIL2BAN_SOCKET: sandbox.socketPath, BANBOT_DATA_DIR: join(dir, name), BANBOT_NATS_URL: nats.url, ...env }, yaml);
    mkdirSync(config.dataDir, { recursive: true });
    const db = openDatabase(join(config.dataDir, "banbot.sqlite3"));
    migrate(db, migrationsDir());
    return { config, db, build: (c = config) => buildCore(c, db, log, undefined, opts) };
  };
  const cli = () => run("fail2ban-client", ["-c", join(sandbox.dir, "conf"), "-s", sandbox.socketPath, "status"]);
  try {
    const agents: RunningAgent[] = [];
    const rows: string[][] = [];
    for (const size of SIZES) {
      // Agents up to `size`, started once and kept for the larger fleet.
      for (const host of hosts.slice(agents.length, size)) {
        const { config, db } = coreAt(host, { BANBOT_HOST: host }, `fleet:\n  name: ${FLEET}\n  nkey_seed_file: ${seedFile(host)}\n`);
        const setup = agentSetup(config, host);
        if ("error" in setup) throw new Error(setup.error);
        const core: Core = buildCore(setup.config, db, log, undefined, { routeAlert: setup.routeAlert });
        const agent = await startAgent({ config: setup.config, core, options: setup.options, log });
        await agent.connected();
        agents.push(agent);
        closers.push(async () => {
          await agent.stop();
          await core.close();
          db.close();
        });
      }
      const yaml = `fleet:\n  name: ${FLEET}\n  hosts: [${hosts.slice(0, size).join(", ")}]\n  nkey_seed_file: ${seedFile("front")}\n`;
      const base = coreAt(`front${size}`, {}, yaml);
      const fleet = { ...base.config.fleet, url: nats.url };
      const front: Front = createFront({ fleet, options: fleetConnectionOptions(fleet, { kind: "front" }, (p) => readFileSync(p, "utf8")), log, now: () => Date.now() });
      const core = buildCore(base.config, base.db, log, undefined, { fleet: front.hosts });
      front.start();
      await front.connected();
      closers.push(async () => {
        await front.close();
        await core.close();
        base.db.close();
      });
      const dispatch = async (line: string) => {
        const reply = await core.dispatcher.run(line, CONSOLE_IDENTITY);
        // A reply that is quick because hosts were missing must fail the bench, not win it.
        if (reply.tone === "error" || reply.table?.rows.length !== size) throw new Error(`${line}: ${reply.title} (${reply.table?.rows.length ?? 0} rows)`);
      };
      const status: number[] = [];
      const unban: number[] = [];
      const loop: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        status.push(await time(() => dispatch("status on all")));
        await core.dispatcher.run("ban 198.51.100.77 alpha on all", CONSOLE_IDENTITY);
        unban.push(await time(() => dispatch("unban 198.51.100.77 everywhere")));
        loop.push(await time(async () => {
          for (let i = 0; i < size; i++) await cli();
        }));
      }
      rows.push(
        [`status on all`, String(size), ms(median(status)), ms(percentile(status, 95)), ms(median(loop)), verdict(percentile(status, 95) <= TARGET_MS && median(status) <= median(loop))],
        [`unban <ip> everywhere`, String(size), ms(median(unban)), ms(percentile(unban, 95)), ms(median(loop)), verdict(percentile(unban, 95) <= TARGET_MS && median(unban) <= median(loop))],
      );
    }
    printTable(
      `Fleet commands through the front's dispatcher, ${RUNS} runs (target: p95 ≤ ${ms(TARGET_MS)} and faster than fail2ban-client status once per host in turn)`,
      ["command", "agents", "median", "p95", "fail2ban-client × agents", "verdict"],
      rows,
    );
  } finally {
    for (const close of closers.reverse()) await close();
    await nats.stop();
    await sandbox.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
