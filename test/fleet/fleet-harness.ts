import { readFileSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { connect, nkeyAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import { createUser } from "@nats-io/nkeys";
import type { Database } from "better-sqlite3";
import type { Logger } from "pino";
import { buildCore, type Core } from "../../src/compose.js";
import { loadConfig, type Config } from "../../src/config.js";
import { agentSetup, startAgent, type RunningAgent } from "../../src/fleet/agent/agent.js";
import { fleetConnectionOptions } from "../../src/fleet/connection-options.js";
import { createFront, hostAlertsIntoRouting, seenAcrossWatch, type Front } from "../../src/fleet/front/front.js";
import type { Alert } from "../../src/core/alerts/alert.js";
import { natsServerConfig } from "../../src/fleet/server-config.js";
import { fleetSubjects } from "../../src/fleet/subjects.js";
import { silentLog } from "../harness/client.js";
import { migratedStore } from "../harness/store.js";

export const FLEET = "test";
export const subjects = fleetSubjects(FLEET);

/** Keys for the front and each host, and the generated least-privilege server config that knows them. */
export interface FleetKeys {
  /** The nats-server configuration `banbot fleet-config` would print, on a free loopback port. */
  serverConfig(dir: string): string;
  /** Writes the seed of `who` ("front" or a host) into `dir` and returns its path. */
  seedFile(dir: string, who: string): string;
  seed(who: string): Uint8Array;
}

export function fleetKeys(hosts: readonly string[]): FleetKeys {
  const keys = new Map([["front", createUser()], ...hosts.map((h) => [h, createUser()] as const)]);
  const key = (who: string) => {
    const k = keys.get(who);
    if (!k) throw new Error(`no key for ${who}`);
    return k;
  };
  return {
    serverConfig: (dir) =>
      natsServerConfig({
        fleet: FLEET,
        frontKey: key("front").getPublicKey(),
        agents: hosts.map((host) => ({ host, key: key(host).getPublicKey() })),
        listen: "127.0.0.1:-1",
        storeDir: join(dir, "js"),
      }),
    seedFile(dir, who) {
      const path = join(dir, `${who}.nk`);
      writeFileSync(path, new TextDecoder().decode(key(who).getSeed()), { mode: 0o600 });
      return path;
    },
    seed: (who) => key(who).getSeed(),
  };
}

/** A raw NATS connection with someone's seed, for what BanBot's own code would never try. */
export async function rawConnection(url: string, seed: Uint8Array, inboxPrefix: string): Promise<NatsConnection> {
  return await connect({ servers: url, authenticator: nkeyAuthenticator(seed), inboxPrefix, maxReconnectAttempts: 0 });
}

export interface TestAgent {
  /** Resolves once connected to NATS (BanBot's agent retries in the background until it is). */
  connected(): Promise<void>;
  core: Core;
  db: Database;
  config: Config;
  stop(): Promise<void>;
}

/**
 * `banbot agent` in this process, as main.ts builds it: its config from env and YAML, its own
 * store, its core with fleet alert routing, and startAgent, beside the given fail2ban socket.
 */
export async function startTestAgent(opts: {
  host: string;
  socket: string;
  dataDir: string;
  url: string;
  seedFile: string;
  heartbeatMs?: number;
  configDir?: string;
  log?: Logger;
}): Promise<TestAgent> {
  await mkdir(opts.dataDir, { recursive: true });
  const yaml = `fleet:\n  name: ${FLEET}\n  nkey_seed_file: ${opts.seedFile}\n`;
  const base = loadConfig({ BANBOT_FAIL2BAN_SOCKET: opts.socket, BANBOT_DATA_DIR: opts.dataDir, BANBOT_NATS_URL: opts.url, BANBOT_HOST: opts.host }, yaml);
  const config: Config = {
    ...base,
    fail2ban: { ...base.fail2ban, ...(opts.configDir ? { configDir: opts.configDir } : {}) },
    // The schema's floor is a second; tests beat faster to wait less.
    fleet: { ...base.fleet, heartbeatMs: opts.heartbeatMs ?? base.fleet.heartbeatMs },
  };
  const setup = agentSetup(config, "unused-hostname");
  if ("error" in setup) throw new Error(setup.error);
  const db = migratedStore(join(opts.dataDir, "banbot.sqlite3"));
  const log = opts.log ?? silentLog;
  const core = buildCore(setup.config, db, log, undefined, { routeAlert: setup.routeAlert });
  let agent: RunningAgent;
  try {
    agent = await startAgent({ config: setup.config, core, options: { ...setup.options, reconnectTimeWait: 200 }, log });
  } catch (err) {
    await core.close();
    db.close();
    throw err;
  }
  return {
    connected: () => agent.connected(),
    core,
    db,
    config: setup.config,
    async stop() {
      await agent.stop();
      await core.close();
      db.close();
    },
  };
}

type PerHost<T> = (host: string) => T;

/** startTestAgent for each host in turn, each connected before the next starts; by host. */
export async function startTestAgents(
  hosts: readonly string[],
  opts: Omit<Parameters<typeof startTestAgent>[0], "host" | "socket" | "dataDir" | "seedFile"> & { socket: PerHost<string>; dataDir: PerHost<string>; seedFile: PerHost<string> },
): Promise<Map<string, TestAgent>> {
  const agents = new Map<string, TestAgent>();
  for (const host of hosts) {
    const agent = await startTestAgent({ ...opts, host, socket: opts.socket(host), dataDir: opts.dataDir(host), seedFile: opts.seedFile(host) });
    agents.set(host, agent);
    await agent.connected();
  }
  return agents;
}

export interface TestFront {
  front: Front;
  config: Config;
  core: Core;
  db: Database;
  stop(): Promise<void>;
}

/** The front's fleet side with its own store and core, routing alerts to a Slack channel, as `banbot start` wires it. */
export async function startTestFront(opts: {
  dataDir: string;
  url: string;
  seedFile: string;
  socket: string;
  hosts?: readonly string[];
  /** What the front does with an agent's alert; default: its alert intake and routing, as `banbot start`. */
  deliver?: (core: Core) => (host: string, alert: Alert) => void;
  /** The fleet: section's lines after `hosts:` (groups, default_target…), indented by two. */
  fleetYaml?: string;
  /** Other sections of the front's config file (access, commands). */
  yaml?: string;
}): Promise<TestFront> {
  await mkdir(opts.dataDir, { recursive: true });
  const yaml = `${opts.yaml ?? ""}
alerts:
  routes:
    - kinds: [health, spike, blocklist, silent, digest]
      slack_channel: C0FLEET
fleet:
  name: ${FLEET}
  hosts: [${(opts.hosts ?? []).join(", ")}]
  nkey_seed_file: ${opts.seedFile}
${opts.fleetYaml ?? ""}`;
  const config = loadConfig({ BANBOT_FAIL2BAN_SOCKET: opts.socket, BANBOT_DATA_DIR: opts.dataDir, BANBOT_NATS_URL: opts.url }, yaml);
  const db = migratedStore(join(opts.dataDir, "banbot.sqlite3"));
  const fleet = { ...config.fleet, url: opts.url };
  const front = createFront({
    fleet,
    options: { ...fleetConnectionOptions(fleet, { kind: "front" }, (p) => readFileSync(p, "utf8")), reconnectTimeWait: 200 },
    log: silentLog,
    now: () => Date.now(),
  });
  const core = buildCore(config, db, silentLog, undefined, { fleet: front.hosts });
  // As `banbot start`: alerts through its intake, bans into the "seen across the fleet" watch (no outbox delivery here).
  front.start(opts.deliver?.(core) ?? hostAlertsIntoRouting(core, () => {}), seenAcrossWatch(core, config.fleet.seenAcross, () => {}));
  return {
    front,
    config,
    core,
    db,
    async stop() {
      await front.close();
      await core.close();
      db.close();
    },
  };
}
