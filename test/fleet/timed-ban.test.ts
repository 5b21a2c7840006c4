import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CONSOLE_IDENTITY } from "../../src/core/identity.js";
import { useClients } from "../harness/client.js";
import { useFail2ban } from "../harness/fail2ban.js";
import { useNats } from "../harness/nats.js";
import { useTempDir } from "../harness/temp-dir.js";
import { fleetKeys, startTestAgents, startTestFront, type TestAgent, type TestFront } from "./fleet-harness.js";

// `ban <ip> <jail> on all for <D>` on a real fleet: three agents, each beside its own real
// fail2ban-server (alpha's bantime is an hour), the front's dispatcher as chat and exec reach it.
// Each host bans it with fail2ban's own end an hour on, keeps its own timed-ban record for D, and
// its keeper (the timed-ban-expiry job's run) lifts it there when D is up.

const HOSTS = ["web1", "web2", "db1"] as const;
const IP = "192.0.2.91";
const D_MS = 4_000;

describe("a timed ban on every host (real NATS, three agents beside real fail2ban)", () => {
  const keys = fleetKeys([...HOSTS]);
  const nats = useNats({ config: (dir) => keys.serverConfig(dir) });
  const f2b = { web1: useFail2ban(), web2: useFail2ban(), db1: useFail2ban() };
  const tmp = useTempDir("bbfleet-timed-");
  const connect = useClients();
  let agents = new Map<string, TestAgent>();
  let front: TestFront;

  beforeAll(async () => {
    const frontSeed = keys.seedFile(tmp.path, "front");
    front = await startTestFront({ dataDir: join(tmp.path, "front"), url: nats.server.url, seedFile: frontSeed, socket: "/nonexistent/fail2ban.sock", hosts: [...HOSTS] });
    agents = await startTestAgents(HOSTS, {
      socket: (host) => f2b[host as (typeof HOSTS)[number]].sandbox.socketPath,
      dataDir: (host) => join(tmp.path, host),
      seedFile: (host) => keys.seedFile(tmp.path, host),
      url: nats.server.url,
    });
    await front.front.connected();
  }, 60_000);
  afterAll(async () => {
    for (const agent of agents.values()) await agent.stop();
    await front?.stop();
  });

  it("bans on every host for that long, and each host lifts it when the time is up", async () => {
    const before = Date.now();
    const reply = await front.core.dispatcher.run(`ban ${IP} alpha on all for ${D_MS / 1000}s`, CONSOLE_IDENTITY);
    const after = Date.now();
    expect(reply).toMatchObject({ title: `ban ${IP} alpha for ${D_MS / 1000}s on 3 hosts`, tone: "ok" });
    expect(reply.table?.rows.map((r) => [r[0], r[1]])).toEqual([
      ["db1", `Banned ${IP} in alpha for ${D_MS / 1000}s`],
      ["web1", `Banned ${IP} in alpha for ${D_MS / 1000}s`],
      ["web2", `Banned ${IP} in alpha for ${D_MS / 1000}s`],
    ]);

    for (const host of HOSTS) {
      // fail2ban's own entry: banned now, for alpha's hour (BanBot lifts it before that).
      const entry = (await connect(f2b[host].sandbox.socketPath).fail2ban.bans("alpha")).find((b) => b.ip === IP);
      expect(entry, host).toBeDefined();
      expect(entry!.banSeconds, host).toBe(3600);
      expect(entry!.start!.getTime(), host).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(entry!.start!.getTime(), host).toBeLessThanOrEqual(after);
      // The host's own record of the timed ban: D from the ban, by that host's BanBot.
      const [record] = agents.get(host)!.core.services.timedBans.forIp(IP);
      expect(record, host).toMatchObject({ jail: "alpha", ip: IP });
      expect(record!.until - record!.createdAt, host).toBe(D_MS);
      expect(record!.createdAt, host).toBeGreaterThanOrEqual(before);
    }

    // Until D is up each keeper keeps it; then each lifts it on its own host.
    for (const host of HOSTS) {
      await agents.get(host)!.core.timedBanKeeper.run();
      if (Date.now() < before + D_MS) expect((await connect(f2b[host].sandbox.socketPath).fail2ban.jailsBanning([IP]))[0], host).toEqual(["alpha"]);
    }
    for (const host of HOSTS) {
      await vi.waitFor(
        async () => {
          await agents.get(host)!.core.timedBanKeeper.run();
          expect((await connect(f2b[host].sandbox.socketPath).fail2ban.jailsBanning([IP]))[0]).toEqual([]);
        },
        { timeout: D_MS + 10_000, interval: 250 },
      );
      expect(agents.get(host)!.core.services.timedBans.forIp(IP), host).toEqual([]);
    }
  }, 60_000);
});
