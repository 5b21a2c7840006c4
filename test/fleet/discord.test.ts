import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/main.js";
import { FAKE_GUILD } from "../fakes/fake-discord-payloads.js";
import { useClients } from "../harness/client.js";
import { TEST_JAILS, useFail2ban } from "../harness/fail2ban.js";
import { useNats } from "../harness/nats.js";
import { useTempDir } from "../harness/temp-dir.js";
import { textOf, titleOf, useDiscord } from "../adapters/discord/harness.js";
import { GRANTS_YAML, NOBODY, OPERATOR, VIEWER } from "../adapters/discord/users.js";
import { FLEET, fleetKeys, startTestAgents, startTestFront, type TestAgent, type TestFront } from "./fleet-harness.js";

// Discord in fleet mode: the real discord.js adapter on the fake Discord, in front of a real fleet
// (nats-server with the generated config, agents beside real fail2ban servers). web1 and web2 are
// the listed hosts, in group `web`; db1 is listed nowhere and known from its heartbeats only.

interface Registered {
  name: string;
  options?: Registered[];
  type?: number;
  required?: boolean;
  autocomplete?: boolean;
  description?: string;
}

describe("Discord's `on` option in fleet mode (real discord.js, real NATS and fail2ban)", () => {
  const keys = fleetKeys(["web1", "web2", "db1"]);
  const nats = useNats({ config: (dir) => keys.serverConfig(dir) });
  // web1 has a jail of its own, so suggestions show whose fail2ban they come from.
  const f2b = { web1: useFail2ban({ jails: [...TEST_JAILS, { ...TEST_JAILS[0]!, name: "gamma" }] }), web2: useFail2ban() };
  const tmp = useTempDir("bbfleet-discord-");
  const connect = useClients();
  let agents: Map<string, TestAgent> | undefined;
  let front: TestFront;
  let frontConfig: string;

  beforeAll(async () => {
    const frontSeed = keys.seedFile(tmp.path, "front");
    const fleetYaml = "  groups:\n    web: [web1, web2]\n  heartbeat: 1s\n";
    frontConfig = join(tmp.path, "front.yaml");
    writeFileSync(frontConfig, `fleet:\n  name: ${FLEET}\n  hosts: [web1, web2]\n  nkey_seed_file: ${frontSeed}\n${fleetYaml}`);
    front = await startTestFront({ dataDir: join(tmp.path, "front"), url: nats.server.url, seedFile: frontSeed, socket: "/nonexistent/fail2ban.sock", hosts: ["web1", "web2"], fleetYaml, yaml: GRANTS_YAML });
    agents = await startTestAgents(["web1", "web2", "db1"], {
      // db1 shares web2's fail2ban: what matters of it here is its heartbeats.
      socket: (host) => (host === "web1" ? f2b.web1 : f2b.web2).sandbox.socketPath,
      dataDir: (host) => join(tmp.path, host),
      seedFile: (host) => keys.seedFile(tmp.path, host),
      url: nats.server.url,
      heartbeatMs: 1_000,
    });
    await front.front.connected();
  }, 60_000);
  afterAll(async () => {
    for (const agent of agents?.values() ?? []) await agent.stop();
    await front?.stop();
  });
  const discord = useDiscord({ core: () => front.core });

  /** `banbot register` as an operator runs it, with or without BANBOT_NATS_URL; what Discord then holds. */
  const register = async (fleet: boolean): Promise<Registered> => {
    const env = { BANBOT_LOG_LEVEL: "silent", BANBOT_CONFIG: frontConfig, BANBOT_DATA_DIR: join(tmp.path, "register"), ...discord.fake.env(), ...(fleet ? { BANBOT_NATS_URL: nats.server.url } : {}) };
    const code = await main(["register"], env, { out: () => {}, err: () => {}, stdin: Readable.from([]), stdout: new Writable({ write: (_c, _e, done) => done() }) });
    expect(code).toBe(0);
    const [f2b] = discord.fake.commands.get(`/applications/${FAKE_GUILD.applicationId}/guilds/${FAKE_GUILD.id}/commands`) as Registered[];
    return f2b!;
  };
  const sub = (command: Registered, name: string) => command.options?.find((o) => o.name === name) ?? command.options?.flatMap((g) => g.options ?? []).find((o) => o.name === name);

  it("registers `on` (optional, with autocomplete, after the required options) on every command that runs on hosts, only in fleet mode", async () => {
    const single = await register(false);
    expect(sub(single, "ban")?.options?.map((o) => o.name)).toEqual(["ips", "jail", "duration"]);

    const fleet = await register(true);
    const ban = sub(fleet, "ban");
    expect(ban?.options?.map((o) => [o.name, o.required === true])).toEqual([
      ["ips", true],
      ["jail", true],
      ["duration", false],
      ["on", false],
    ]);
    expect(ban?.options?.at(-1)).toMatchObject({ type: 3, autocomplete: true });
    for (const name of ["status", "jails", "banned", "unban", "top", "import"]) expect(sub(fleet, name)?.options?.map((o) => o.name)).toContain("on");
    // About BanBot itself, run on the front: no target to pick.
    for (const name of ["help", "audit", "mute"]) expect(sub(fleet, name)?.options?.map((o) => o.name) ?? []).not.toContain("on");
    // Within Discord's 4000 characters of names, descriptions and values.
    const characters = (o: Registered & { choices?: { name: string; value: string }[] }): number =>
      o.name.length + (o.description?.length ?? 0) + (o.choices ?? []).reduce((n, c) => n + c.name.length + c.value.length, 0) + (o.options ?? []).reduce((n, c) => n + characters(c), 0);
    expect(characters(fleet)).toBeLessThanOrEqual(4000);
  });

  it("suggests `all`, the groups, the listed hosts and the hosts heard from, filtered by what was typed", async () => {
    const complete = async (typed: string, member = VIEWER) => {
      const callback = await discord.slash(member, { subcommand: "status", options: { on: typed }, focused: "on" });
      expect(callback.type).toBe(8);
      return callback.data?.choices?.map((c) => c.value);
    };
    // db1 is in no list: it is suggested once its heartbeats arrive.
    await vi.waitFor(async () => expect(await complete("")).toEqual(["all", "db1", "web", "web1", "web2"]), { timeout: 10_000, interval: 200 });
    expect(await complete("WE")).toEqual(["web", "web1", "web2"]);
    expect(await complete("1")).toEqual(["db1", "web1"]);
    // Several: the last one is completed.
    expect(await complete("web1, d")).toEqual(["web1, db1"]);
    // Who may not run the command sees no host names.
    expect(await complete("", NOBODY)).toEqual([]);
  });

  it("suggests the jails and banned addresses of the hosts `on` names (the front has no fail2ban), for whoever may run jails and banned", async () => {
    const complete = async (subcommand: string, options: Record<string, string>, focused: string, member = VIEWER) => {
      const callback = await discord.slash(member, { subcommand, options, focused });
      expect(callback.type).toBe(8);
      return callback.data?.choices?.map((c) => c.value);
    };
    expect(await complete("stop", { jail: "", on: "web1" }, "jail", OPERATOR)).toEqual(["alpha", "beta", "gamma"]);
    expect(await complete("stop", { jail: "", on: "web2" }, "jail", OPERATOR)).toEqual(["alpha", "beta"]);
    // No `on`: the default target (all), the union of the hosts' answers.
    expect(await complete("stop", { jail: "g" }, "jail", OPERATOR)).toEqual(["gamma"]);
    // A target still being typed names no host: nothing, rather than an error.
    expect(await complete("stop", { jail: "", on: "we" }, "jail", OPERATOR)).toEqual([]);

    const web1 = "192.0.2.71";
    const web2 = "192.0.2.72";
    await connect(f2b.web1.sandbox.socketPath).fail2ban.ban("gamma", [web1]);
    await connect(f2b.web2.sandbox.socketPath).fail2ban.ban("beta", [web2]);
    expect(await complete("ip", { ip: "192.0.2.7", on: "web1" }, "ip")).toEqual([web1]);
    expect(await complete("ip", { ip: "192.0.2.7", on: "web" }, "ip")).toEqual([web1, web2]);
    // In the jail chosen: web2 bans nothing in gamma (it has none).
    expect(await complete("unban", { ips: "192.0.2.7", jail: "gamma", on: "web" }, "ips", OPERATOR)).toEqual([web1]);
    expect(await complete("ip", { ip: "192.0.2.7", on: "web1" }, "ip", NOBODY)).toEqual([]);
  });

  it("runs `/f2b ban … on: web1` on web1 only, as typed `ban … on web1`", async () => {
    const ip = "192.0.2.61";
    const { message } = await discord.answer(discord.slashRaw(OPERATOR, { subcommand: "ban", options: { ips: ip, jail: "alpha", on: "web1" } }));
    expect(textOf(message)).toContain("web1");
    expect(textOf(message)).not.toContain("web2");
    expect((await connect(f2b.web1.sandbox.socketPath).fail2ban.jailsBanning([ip]))[0]).toEqual(["alpha"]);
    expect((await connect(f2b.web2.sandbox.socketPath).fail2ban.jailsBanning([ip]))[0]).toEqual([]);
    expect(front.core.services.audit.query({ limit: 1 })[0]).toMatchObject({ command: "ban", commandLine: `ban ${ip} alpha on web1`, outcome: "ok" });

    // A group and a list work as typed ones do.
    const both = "192.0.2.62";
    await discord.answer(discord.slashRaw(OPERATOR, { subcommand: "ban", options: { ips: both, jail: "beta", on: "web1, web2" } }));
    for (const host of ["web1", "web2"] as const) expect((await connect(f2b[host].sandbox.socketPath).fail2ban.jailsBanning([both]))[0]).toEqual(["beta"]);
  });

  it("answers a target that names no host with the ones it knows, and refuses what cannot be a name", async () => {
    const unknown = await discord.answer(discord.slashRaw(VIEWER, { subcommand: "status", options: { on: "web9" } }));
    expect(textOf(unknown.message)).toMatch(/`web9` is no host or group of this fleet\. Known: all, `web`, `web1`, `web2`/);
    const odd = await discord.answer(discord.slashRaw(VIEWER, { subcommand: "status", options: { on: "web1.example" } }));
    expect(titleOf(odd.message)).toBe("Cannot read that command");
    expect(textOf(odd.message)).toContain("`web1.example` is no host or group name");
  });
});
