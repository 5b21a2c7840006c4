import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { historyActionFile } from "../../src/cli/capture-check.js";
import { BANS_CHANNEL } from "../../src/fleet/agent/ban-publisher.js";
import { useClients } from "../harness/client.js";
import { useFail2ban } from "../harness/fail2ban.js";
import { useNats } from "../harness/nats.js";
import { fleetKeys, rawConnection, startTestAgents, startTestFront, subjects, type TestAgent, type TestFront } from "./fleet-harness.js";

// The "seen across the fleet" watch through a NATS outage: three agents beside real fail2ban
// filters whose BanBot action reports to their history capture, the front counting two hosts
// (fleet.seen_across.hosts: 2). Bans made while nats-server is down wait in each agent's outbox
// and count when it is back; a later host updates the alert's post.

const HOSTS = ["web1", "web2", "db1"] as const;
const IP = "192.0.2.88";

describe("seen across the fleet through a NATS outage (real NATS, three agents beside real fail2ban filters)", () => {
  const keys = fleetKeys([...HOSTS]);
  const nats = useNats({ config: (dir) => keys.serverConfig(dir) });
  const base = mkdtempSync(join(tmpdir(), "bbfleet-seen-out-"));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const dataDir = (host: string) => join(base, host);
  const f2b = Object.fromEntries(
    HOSTS.map((host) => [host, useFail2ban({ extraActions: [{ file: historyActionFile(), options: { socket: join(dataDir(host), "history.sock"), retry: "0.2" } }] })]),
  );
  const connect = useClients();
  let agents = new Map<string, TestAgent>();
  let front: TestFront;

  beforeAll(async () => {
    const frontSeed = keys.seedFile(base, "front");
    front = await startTestFront({
      dataDir: join(base, "front"),
      url: nats.server.url,
      seedFile: frontSeed,
      socket: "/nonexistent/fail2ban.sock",
      hosts: [...HOSTS],
      fleetYaml: "  seen_across:\n    hosts: 2\n",
    });
    agents = await startTestAgents(HOSTS, { socket: (host) => f2b[host]!.sandbox.socketPath, dataDir, seedFile: (host) => keys.seedFile(base, host), url: nats.server.url });
    await front.front.connected();
  }, 60_000);
  afterAll(async () => {
    for (const agent of agents.values()) await agent.stop();
    await front?.stop();
  });

  /** The front's outbox rows about the address: the alert's post and its updates. */
  const alerts = () =>
    front.db
      .prepare<[], { mode: string; parent: string | null; key: string; reply: string }>("SELECT mode, parent_key AS parent, dedupe_key AS key, reply FROM outbox ORDER BY id")
      .all()
      .map((r) => ({ mode: r.mode, parent: r.parent, key: r.key, ...(JSON.parse(r.reply) as { title: string; fields?: { label: string }[] }) }))
      .filter((r) => r.title.startsWith(IP));
  /** An agent's batches of bans for the front, as its outbox holds them. */
  const batches = (host: string) =>
    agents.get(host)!.db.prepare<[string], { id: number; state: string; attempts: number }>("SELECT id, state, attempts FROM outbox WHERE channel = ? ORDER BY id").all(BANS_CHANNEL);
  const banning = async (host: string) => (await connect(f2b[host]!.sandbox.socketPath).fail2ban.jailsBanning([IP]))[0];
  const streamMessages = async () => {
    const nc = await rawConnection(nats.server.url, keys.seed("front"), subjects.frontInbox);
    try {
      return (await (await jetstreamManager(nc)).streams.info(subjects.stream)).state.messages;
    } finally {
      await nc.close();
    }
  };

  it("counts bans made while NATS was down once it is back, a retried batch only once, and a later host updates the post without a second alert", async () => {
    await nats.server.stop();
    for (const host of ["web1", "web2"]) await f2b[host]!.sandbox.appendLog("alpha", Array(3).fill(`FAIL login from ${IP}`));
    await vi.waitFor(async () => expect([await banning("web1"), await banning("web2")]).toEqual([["alpha"], ["alpha"]]), { timeout: 20_000, interval: 200 });
    // Each agent has its batch waiting, and has tried to deliver it.
    for (const host of ["web1", "web2"]) {
      await vi.waitFor(() => expect(batches(host)).toEqual([expect.objectContaining({ state: "pending", attempts: expect.any(Number) })]), { timeout: 10_000, interval: 100 });
      await vi.waitFor(() => expect(batches(host)[0]!.attempts).toBeGreaterThan(0), { timeout: 10_000, interval: 100 });
    }
    expect(alerts()).toEqual([]);

    await nats.server.restart();
    await vi.waitFor(() => expect(alerts()).toHaveLength(1), { timeout: 30_000, interval: 200 });
    expect(alerts()[0]).toMatchObject({ mode: "post", title: `${IP} banned on 2 hosts within 10m` });
    expect(alerts()[0]!.fields?.map((f) => f.label)).toEqual(["web1", "web2"]);
    for (const host of ["web1", "web2"]) await vi.waitFor(() => expect(batches(host).map((b) => b.state)).toEqual(["sent"]), { timeout: 10_000, interval: 100 });

    // web1's batch published again, as after an acknowledgement lost on the way: the stream drops it by its id.
    const before = await streamMessages();
    const [batch] = batches("web1");
    agents.get("web1")!.db.prepare("UPDATE outbox SET state = 'pending', next_at = 0 WHERE id = ?").run(batch!.id);
    await vi.waitFor(() => expect(batches("web1")).toEqual([expect.objectContaining({ state: "sent", attempts: batch!.attempts + 1 })]), { timeout: 10_000, interval: 100 });
    expect(await streamMessages()).toBe(before);
    expect(alerts()).toHaveLength(1);

    // A later host within the window: the same post is updated, no second alert. Part of this test,
    // not one of its own: it needs the alert above, and a test may run in any order.
    const [post] = alerts();
    await f2b.db1!.sandbox.appendLog("beta", Array(2).fill(`BAD request from ${IP}`));
    await vi.waitFor(() => expect(alerts()).toHaveLength(2), { timeout: 20_000, interval: 200 });
    const [, update] = alerts();
    expect(update).toMatchObject({ mode: "replace", parent: post!.key, title: `${IP} banned on 3 hosts within 10m` });
    expect(update!.fields?.map((f) => f.label)).toEqual(["db1", "web1", "web2"]);
  }, 150_000);
});
