import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { historyActionFile } from "../../src/cli/capture-check.js";
import { renderComponents } from "../../src/adapters/discord/components.js";
import { renderV2 } from "../../src/adapters/discord/v2.js";
import { renderReply } from "../../src/adapters/slack/render.js";
import type { Action, Reply } from "../../src/core/reply.js";
import { useClients } from "../harness/client.js";
import { useFail2ban } from "../harness/fail2ban.js";
import { useNats } from "../harness/nats.js";
import { fleetKeys, startTestAgent, startTestFront, type TestAgent, type TestFront } from "./fleet-harness.js";

// "Seen across the fleet", end to end: three agents, each beside a real fail2ban whose filter bans
// from log lines and whose BanBot action reports to the agent's history capture; the agents tell the
// front over real NATS, and the front raises one alert whose button bans on every host.

const HOSTS = ["web1", "web2", "db1"] as const;
const IP = "192.0.2.77";

describe("seen across the fleet (real NATS, three agents beside real fail2ban filters)", () => {
  const keys = fleetKeys([...HOSTS]);
  const nats = useNats({ config: (dir) => keys.serverConfig(dir) });
  // Known before the sandboxes start: each one's BanBot action reports to its agent's history.sock
  // (in the agent's data dir), retrying until the agent listens.
  const base = mkdtempSync(join(tmpdir(), "bbfleet-seen-"));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const tmp = { path: base };
  const dataDir = (host: string) => join(base, host);
  const f2b = Object.fromEntries(
    HOSTS.map((host) => [host, useFail2ban({ extraActions: [{ file: historyActionFile(), options: { socket: join(dataDir(host), "history.sock"), retry: "0.2" } }] })]),
  );
  const connect = useClients();
  const agents: TestAgent[] = [];
  let front: TestFront;

  beforeAll(async () => {
    const frontSeed = keys.seedFile(tmp.path, "front");
    front = await startTestFront({ dataDir: join(tmp.path, "front"), url: nats.server.url, seedFile: frontSeed, socket: "/nonexistent/fail2ban.sock", hosts: [...HOSTS] });
    for (const host of HOSTS) {
      const agent = await startTestAgent({ host, socket: f2b[host]!.sandbox.socketPath, dataDir: dataDir(host), url: nats.server.url, seedFile: keys.seedFile(tmp.path, host) });
      agents.push(agent);
      await agent.connected();
    }
    await front.front.connected();
  }, 60_000);
  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    await front?.stop();
  });

  /** The front's outbox rows about the address: what it queued for chat. */
  const alerts = () =>
    front.db
      .prepare<[], { reply: string }>("SELECT reply FROM outbox ORDER BY id")
      .all()
      .map((r) => JSON.parse(r.reply) as { title: string; fields?: { label: string; value: string }[]; actions?: Action[] })
      .filter((r) => r.title.startsWith(IP));
  const banning = async (host: string) => (await connect(f2b[host]!.sandbox.socketPath).fail2ban.jailsBanning([IP]))[0];

  it("raises one alert with Ban everywhere when fail2ban's filter bans an address on three hosts, and its button bans it on every host", async () => {
    // web1 and web2: the filter bans after three failures; db1 only later.
    for (const host of ["web1", "web2"]) await f2b[host]!.sandbox.appendLog("alpha", Array(3).fill(`FAIL login from ${IP}`));
    await vi.waitFor(async () => expect([await banning("web1"), await banning("web2")]).toEqual([["alpha"], ["alpha"]]), { timeout: 20_000, interval: 200 });
    // Two hosts are not three: nothing yet (the agents batch for a second; give it more).
    await new Promise((r) => setTimeout(r, 2_500));
    expect(alerts()).toEqual([]);

    await f2b.db1!.sandbox.appendLog("beta", Array(2).fill(`BAD request from ${IP}`));
    await vi.waitFor(() => expect(alerts()).toHaveLength(1), { timeout: 20_000, interval: 200 });
    // A later ban on a host that already counted is no second alert.
    await new Promise((r) => setTimeout(r, 2_500));
    const all = alerts();
    expect(all).toHaveLength(1);
    const alert = all[0]!;
    expect(alert.title).toBe(`${IP} banned on 3 hosts within 10m`);
    expect(alert.fields?.map((f) => `${f.label}: ${f.value.split(",")[0]}`)).toEqual(["db1: beta", "web1: alpha", "web2: alpha"]);
    expect(alert.actions?.map((a) => a.command)).toEqual([
      `ban ${IP} alpha for 1h on all`,
      `ban ${IP} alpha for 1d on all`,
      `ban ${IP} alpha for 7d on all`,
      `ban ${IP} alpha on all`,
    ]);

    // Slack and Discord both render the buttons from the neutral reply, each aimed at its line.
    const surfaces = { slack: renderReply(alert as Reply), discordV2: renderV2(alert as Reply, (c) => `=${c}`), discordEmbed: renderComponents(alert as Reply, (c) => `=${c}`) };
    for (const [surface, payload] of Object.entries(surfaces)) {
      const json = JSON.stringify(payload);
      for (const a of alert.actions!) expect(json, surface).toContain(JSON.stringify(a.label));
      for (const a of alert.actions!) expect(json, surface).toContain(`${a.command}"`);
    }

    // Pressing "Ban everywhere 1d": its line through the front's dispatcher, as a chat button runs it.
    const press = alert.actions!.find((a) => a.label === "Ban everywhere 1d")!;
    const reply = await front.core.dispatcher.run(press.command, { platform: "console", userId: "local", groups: [] });
    expect(reply.title).toBe(`ban ${IP} alpha for 1d on 3 hosts`);
    expect(reply.table?.rows.map((r) => r[0])).toEqual(["db1", "web1", "web2"]);
    for (const host of HOSTS) expect(await banning(host)).toEqual(expect.arrayContaining(["alpha"]));
    expect(await banning("db1")).toEqual(["alpha", "beta"]);
  }, 90_000);
});
