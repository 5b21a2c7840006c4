import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createUser } from "@nats-io/nkeys";
import { fleetHostName } from "../config/fleet-schema.js";
import { natsServerConfig } from "./server-config.js";

export const FLEET_CONFIG_USAGE = "Usage: banbot fleet-config --hosts web1,web2,db1 [--fleet <name>] [--out <dir>]";

export interface FleetConfigIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * `banbot fleet-config`: a key pair per process (the front, each agent), the nats-server
 * configuration that gives each exactly its subjects (printed, and written beside the keys), and
 * each process's seed in a file of its own for the host it belongs to. Existing keys are never
 * overwritten: that would lock every agent using them out.
 */
export function runFleetConfig(argv: readonly string[], defaults: { fleet: string }, io: FleetConfigIo): number {
  let values: { hosts?: string; fleet?: string; out?: string };
  try {
    ({ values } = parseArgs({ args: [...argv], options: { hosts: { type: "string" }, fleet: { type: "string" }, out: { type: "string" } }, strict: true }));
  } catch (err) {
    io.err(`${err instanceof Error ? err.message : String(err)}\n${FLEET_CONFIG_USAGE}`);
    return 2;
  }
  const hosts = [...new Set((values.hosts ?? "").split(",").map((h) => h.trim()).filter((h) => h !== ""))];
  const fleet = values.fleet ?? defaults.fleet;
  const bad = [...hosts, fleet].filter((name) => !fleetHostName.safeParse(name).success);
  if (hosts.length === 0 || bad.length > 0) {
    const why = hosts.length === 0 ? "--hosts lists no host" : `not usable as names (letters, digits, - and _; not all or everywhere): ${bad.join(", ")}`;
    io.err(`${why}\n${FLEET_CONFIG_USAGE}`);
    return 2;
  }
  const dir = values.out ?? "fleet-credentials";
  const files = { server: join(dir, "nats-server.conf"), front: join(dir, "front.nk"), agent: (h: string) => join(dir, `agent-${h}.nk`) };
  const taken = [files.server, files.front, ...hosts.map(files.agent)].filter((f) => existsSync(f));
  if (taken.length > 0) {
    io.err(`Not overwriting ${taken.join(", ")}: agents may be using those keys. Choose another --out, or remove them first.`);
    return 1;
  }
  const front = createUser();
  const agents = hosts.map((host) => ({ host, key: createUser() }));
  const server = natsServerConfig({ fleet, frontKey: front.getPublicKey(), agents: agents.map((a) => ({ host: a.host, key: a.key.getPublicKey() })) });
  const seed = (key: ReturnType<typeof createUser>) => `${new TextDecoder().decode(key.getSeed())}\n`;
  // "wx": a file that appeared meanwhile is an error, not overwritten.
  const write = (path: string, text: string, mode: number) => writeFileSync(path, text, { mode, flag: "wx" });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  write(files.front, seed(front), 0o600);
  for (const a of agents) write(files.agent(a.host), seed(a.key), 0o600);
  write(files.server, server, 0o644);
  io.out(server);
  io.err(
    [
      `Wrote ${files.server} (the configuration above: public keys and permissions, no secret),`,
      `${files.front} and ${hosts.map((h) => `agent-${h}.nk`).join(", ")} (seeds: each is one process's password; copy each to its host only, mode 0600).`,
      "",
      "Front (banbot start): BANBOT_NATS_URL=nats://<server>:4222, and in its config file:",
      `  fleet:\n    name: ${fleet}\n    hosts: [${hosts.join(", ")}]\n    nkey_seed_file: /etc/banbot/front.nk`,
      "Each host (banbot agent): BANBOT_NATS_URL=nats://<server>:4222, BANBOT_HOST=<its name>, and:",
      `  fleet:\n    name: ${fleet}\n    nkey_seed_file: /etc/banbot/agent.nk   # its agent-<name>.nk`,
      "See docs/fleet.md.",
    ].join("\n"),
  );
  return 0;
}
