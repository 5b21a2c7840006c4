import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildCore } from "../../src/compose.js";
import { loadConfig } from "../../src/config.js";
import { CONSOLE_IDENTITY } from "../../src/core/identity.js";
import { agentSetup, startAgent } from "../../src/fleet/agent/agent.js";
import { fleetConnectionOptions } from "../../src/fleet/connection-options.js";
import type { FleetCommand } from "../../src/fleet/front/client.js";
import { createFront, type Front } from "../../src/fleet/front/front.js";
import { agentPermissions, frontPermissions, type Permissions } from "../../src/fleet/server-config.js";
import { capturedLog, silentLog } from "../harness/client.js";
import { useNats } from "../harness/nats.js";
import { migratedStore } from "../harness/store.js";
import { useTempDir } from "../harness/temp-dir.js";
import { FLEET, subjects } from "./fleet-harness.js";

// User/password credentials over TLS, end to end: a real nats-server with a tls {} block and the
// fleet's least-privilege permissions on user/password users, a throwaway CA made with openssl,
// and a front and an agent built from their config files the way `banbot start` and `banbot agent` build them.

const OPENSSL = "/usr/bin/openssl";
const STATUS: FleetCommand = { actor: CONSOLE_IDENTITY, role: "viewer", confirmed: false, deadlineMs: 3_000 };
// No fail2ban is needed to show the transport: the agent answers that fail2ban is unreachable.
const NO_FAIL2BAN = "/nonexistent/fail2ban.sock";
const PASSWORDS = { front: randomBytes(12).toString("hex"), web1: randomBytes(12).toString("hex") };

/** A CA, and a certificate it signs for 127.0.0.1, in `dir`. */
function makeCertificates(dir: string, prefix: string, san = "DNS:localhost,IP:127.0.0.1"): { ca: string; cert: string; key: string } {
  const p = (name: string) => join(dir, `${prefix}${name}`);
  const run = (...args: string[]) => execFileSync(OPENSSL, args, { stdio: "pipe" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  run("req", "-x509", ...ec, "-keyout", p("ca.key"), "-out", p("ca.pem"), "-days", "1", "-subj", `/CN=${prefix}BanBot test CA`, "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  run("req", ...ec, "-keyout", p("server.key"), "-out", p("server.csr"), "-subj", "/CN=127.0.0.1");
  writeFileSync(p("server.ext"), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`);
  run("x509", "-req", "-in", p("server.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"), "-CAcreateserial", "-out", p("server.pem"), "-days", "1", "-extfile", p("server.ext"));
  return { ca: p("ca.pem"), cert: p("server.pem"), key: p("server.key") };
}

/** The server's configuration: TLS, and the fleet's permissions (server-config.ts) on user/password users. */
function serverConfig(dir: string, san?: string): string {
  const { cert, key } = makeCertificates(dir, "", san);
  const q = (text: string) => JSON.stringify(text);
  const user = (name: string, password: string, p: Permissions) =>
    `    { user: ${q(name)}, password: ${q(password)}, permissions: { publish: { allow: [${p.publish.map(q).join(", ")}] }, subscribe: { allow: [${p.subscribe.map(q).join(", ")}] }${p.allowResponses ? ", allow_responses: true" : ""} } }`;
  return [
    `listen: "127.0.0.1:-1"`,
    `jetstream { store_dir: ${q(join(dir, "js"))} }`,
    `tls { cert_file: ${q(cert)}, key_file: ${q(key)}, timeout: 2 }`,
    "authorization {",
    "  users: [",
    user("front", PASSWORDS.front, frontPermissions(subjects)),
    user("web1", PASSWORDS.web1, agentPermissions(subjects, "web1")),
    "  ]",
    "}",
    "",
  ].join("\n");
}

/** The fleet: section of a config file with user/password_file and, if given, tls.ca_file. */
function fleetYaml(dir: string, user: string, password: string, caFile: string | undefined, extra = ""): string {
  const passwordFile = join(dir, `${user}-${randomBytes(4).toString("hex")}.password`);
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  return `fleet:\n  name: ${FLEET}\n  user: ${user}\n  password_file: ${passwordFile}\n${caFile ? `  tls:\n    ca_file: ${caFile}\n` : ""}${extra}`;
}

/** `banbot agent` as main.ts builds it from env and YAML (as fleet-harness's startTestAgent, with this YAML). */
async function startYamlAgent(opts: { host: string; dataDir: string; url: string; yaml: string; log?: Logger }) {
  await mkdir(opts.dataDir, { recursive: true });
  const config = loadConfig({ BANBOT_FAIL2BAN_SOCKET: NO_FAIL2BAN, BANBOT_DATA_DIR: opts.dataDir, BANBOT_NATS_URL: opts.url, BANBOT_HOST: opts.host }, opts.yaml);
  const setup = agentSetup(config, "unused-hostname");
  if ("error" in setup) throw new Error(setup.error);
  const db = migratedStore(join(opts.dataDir, "banbot.sqlite3"));
  const log = opts.log ?? silentLog;
  const core = buildCore(setup.config, db, log, undefined, { routeAlert: setup.routeAlert });
  const agent = await startAgent({ config: setup.config, core, options: { ...setup.options, reconnectTimeWait: 200 }, log });
  return {
    connected: () => agent.connected(),
    async stop() {
      await agent.stop();
      await core.close();
      db.close();
    },
  };
}

/** A warning the agent logged for a connection attempt that failed, matching `pattern`. */
function connectFailure(entries: readonly Record<string, unknown>[], pattern: RegExp, hint?: RegExp): boolean {
  return entries.some((e) => e.msg === "cannot connect to NATS; trying again" && pattern.test(JSON.stringify(e.err)) && (hint ? hint.test(String(e.hint)) : e.hint === undefined));
}

describe("fleet over TLS with user/password credentials (real nats-server, throwaway CA)", () => {
  const nats = useNats({ config: serverConfig });
  const tmp = useTempDir("bbfleet-tls-");
  let url = "";
  let front: Front;

  beforeAll(async () => {
    url = `tls://localhost:${nats.server.port}`;
    const dataDir = join(tmp.path, "front");
    await mkdir(dataDir, { recursive: true });
    const config = loadConfig({ BANBOT_FAIL2BAN_SOCKET: NO_FAIL2BAN, BANBOT_DATA_DIR: dataDir, BANBOT_NATS_URL: url }, fleetYaml(tmp.path, "front", PASSWORDS.front, join(nats.dir, "ca.pem"), "  hosts: [web1]\n"));
    const fleet = { ...config.fleet, url };
    front = createFront({ fleet, options: { ...fleetConnectionOptions(fleet, { kind: "front" }, (p) => readFileSync(p, "utf8")), reconnectTimeWait: 200 }, log: silentLog, now: () => Date.now() });
    front.start();
    await front.connected();
  });
  afterAll(async () => {
    await front?.close();
  });

  it("runs a command from the front on an agent, both on user/password over TLS", async () => {
    const agent = await startYamlAgent({ host: "web1", dataDir: join(tmp.path, "web1"), url, yaml: fleetYaml(tmp.path, "web1", PASSWORDS.web1, join(nats.dir, "ca.pem")) });
    try {
      await agent.connected();
      const [answer] = await front.client.run("status", ["web1"], STATUS);
      expect(answer).toMatchObject({ host: "web1", answered: true });
      // The server takes only TLS clients, so both connections above were TLS.
      expect(nats.server.log()).toMatch(/TLS required for client connections/);
    } finally {
      await agent.stop();
    }
  });

  it("refuses an agent with a wrong password, and says so in its log", async () => {
    const { log, entries } = capturedLog("warn");
    const agent = await startYamlAgent({ host: "web1", dataDir: join(tmp.path, "wrong"), url, yaml: fleetYaml(tmp.path, "web1", "not-the-password", join(nats.dir, "ca.pem")), log });
    try {
      await vi.waitFor(() => expect(connectFailure(entries, /authorization violation/i)).toBe(true), { timeout: 10_000, interval: 100 });
      const [answer] = await front.client.run("status", ["web1"], STATUS);
      expect(answer).toMatchObject({ host: "web1", answered: false, reason: "no_agent" });
    } finally {
      await agent.stop();
    }
  });

  it("fails clearly, without hanging, when the server's CA is not trusted (no ca_file)", async () => {
    const { log, entries } = capturedLog("warn");
    const agent = await startYamlAgent({ host: "web1", dataDir: join(tmp.path, "untrusted"), url, yaml: fleetYaml(tmp.path, "web1", PASSWORDS.web1, undefined), log });
    try {
      await vi.waitFor(() => expect(connectFailure(entries, /self[- ]signed|unable to (get|verify)/i, /set fleet\.tls\.ca_file/)).toBe(true), { timeout: 10_000, interval: 100 });
    } finally {
      await agent.stop();
    }
  });

  it("fails clearly when ca_file names another CA than the server's", async () => {
    const other = makeCertificates(tmp.path, "other-");
    const { log, entries } = capturedLog("warn");
    const agent = await startYamlAgent({ host: "web1", dataDir: join(tmp.path, "other-ca"), url, yaml: fleetYaml(tmp.path, "web1", PASSWORDS.web1, other.ca), log });
    try {
      await vi.waitFor(() => expect(connectFailure(entries, /self[- ]signed|unable to (get|verify)/i, /set fleet\.tls\.ca_file/)).toBe(true), { timeout: 10_000, interval: 100 });
    } finally {
      await agent.stop();
    }
  });
});

describe("fleet over TLS to an IP address (real nats-server, certificate for 127.0.0.1 only)", () => {
  const nats = useNats({ config: (dir) => serverConfig(dir, "IP:127.0.0.1") });
  const tmp = useTempDir("bbfleet-tlsip-");

  // The NATS client checks a certificate against the name localhost when the URL holds an IP
  // address (it gives TLS no server name then): the agent's log says what to change.
  it("fails clearly, and says to use a name the certificate carries", async () => {
    const { log, entries } = capturedLog("warn");
    const url = `tls://127.0.0.1:${nats.server.port}`;
    const agent = await startYamlAgent({ host: "web1", dataDir: join(tmp.path, "web1"), url, yaml: fleetYaml(tmp.path, "web1", PASSWORDS.web1, join(nats.dir, "ca.pem")), log });
    try {
      await vi.waitFor(() => expect(connectFailure(entries, /altnames/i, /use a name the certificate carries/)).toBe(true), { timeout: 10_000, interval: 100 });
    } finally {
      await agent.stop();
    }
  });
});
