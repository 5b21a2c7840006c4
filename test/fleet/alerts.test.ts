import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Alert } from "../../src/core/alerts/alert.js";
import { buildCore } from "../../src/compose.js";
import { loadConfig } from "../../src/config.js";
import { AlertConsumer } from "../../src/fleet/front/alert-consumer.js";
import { hostAlert } from "../../src/core/fleet/host-alerts.js";
import { silentLog } from "../harness/client.js";
import { useFail2ban } from "../harness/fail2ban.js";
import { useNats } from "../harness/nats.js";
import { migratedStore } from "../harness/store.js";
import { useTempDir } from "../harness/temp-dir.js";
import { FLEET, fleetKeys, rawConnection, startTestAgent, startTestFront, subjects, type TestAgent, type TestFront } from "./fleet-harness.js";

// An agent's alerts travel its outbox → JetStream → the front's durable consumer → the front's
// outbox, with real NATS, a real agent beside real fail2ban and the front's real store.

const alert = (incident: string, title: string): Alert => ({ kind: "health", incident, step: "open", reply: { title, tone: "error", text: "fail2ban-server does not answer." } });

/** The front's outbox: every message it queued for chat, by key. */
function frontOutbox(front: TestFront): { key: string; title: string }[] {
  return front.db
    .prepare<[], { key: string; reply: string }>("SELECT dedupe_key AS key, reply FROM outbox ORDER BY id")
    .all()
    .map((r) => ({ key: r.key, title: (JSON.parse(r.reply) as { title: string }).title }));
}

/** The agent's outbox row for an alert it raised: `sent` once NATS has taken it. */
function agentState(agent: TestAgent, incident: string): string | undefined {
  return agent.db.prepare<[string], { state: string }>("SELECT state FROM outbox WHERE channel = ?").get(incident)?.state;
}

describe("fleet alerts (real NATS, an agent beside real fail2ban, the front's store)", () => {
  const keys = fleetKeys(["web1"]);
  const nats = useNats({ config: (dir) => keys.serverConfig(dir) });
  const f2b = useFail2ban();
  const tmp = useTempDir("bbfleet-alerts-");
  let agent: TestAgent;
  let front: TestFront | undefined;
  // Each test that counts what the front queued gives it a store of its own.
  const startFrontHere = async (dir = "front") => {
    const started = await startTestFront({ dataDir: join(tmp.path, dir), url: nats.server.url, seedFile: keys.seedFile(tmp.path, "front"), socket: f2b.sandbox.socketPath, hosts: ["web1"] });
    await started.front.connected();
    return started;
  };

  beforeAll(async () => {
    agent = await startTestAgent({ host: "web1", socket: f2b.sandbox.socketPath, dataDir: join(tmp.path, "web1"), url: nats.server.url, seedFile: keys.seedFile(tmp.path, "web1") });
  });
  afterAll(async () => {
    await front?.stop();
    await agent?.stop();
  });

  /** The front's durable consumer as JetStream counts it (zeros before any front created it). */
  const consumerCounts = async () => {
    const nc = await rawConnection(nats.server.url, keys.seed("front"), subjects.frontInbox);
    try {
      const info = await (await jetstreamManager(nc)).consumers.info(subjects.stream, subjects.consumer).catch(() => undefined);
      return { delivered: info?.delivered.consumer_seq ?? 0, pending: info?.num_pending ?? 0, unacked: info?.num_ack_pending ?? 0, redelivered: info?.num_redelivered ?? 0 };
    } finally {
      await nc.close();
    }
  };

  it("reaches the front exactly once, across a restart of the front", async () => {
    await front?.stop();
    front = await startFrontHere("front-restart");
    // Whatever other tests left is delivered and acknowledged before this one counts.
    await vi.waitFor(async () => expect(await consumerCounts()).toMatchObject({ pending: 0, unacked: 0 }), { timeout: 15_000, interval: 100 });
    const before = await consumerCounts();
    agent.core.services.alerts.raise(alert("outage-1", "fail2ban unreachable"));
    await vi.waitFor(() => expect(frontOutbox(front!)).toHaveLength(1), { timeout: 15_000, interval: 100 });
    await front.stop();
    front = undefined;

    // Raised while the front is down: it waits in the stream.
    agent.core.services.alerts.raise(alert("outage-2", "fail2ban unreachable again"));
    await vi.waitFor(() => expect(agentState(agent, "outage-2")).toBe("sent"), { timeout: 15_000, interval: 100 });

    front = await startFrontHere("front-restart");
    await vi.waitFor(() => expect(frontOutbox(front!)).toHaveLength(2), { timeout: 15_000, interval: 100 });
    expect(frontOutbox(front)).toEqual([
      { key: "web1/outage-1:open:slack:C0FLEET", title: "web1: fail2ban unreachable" },
      { key: "web1/outage-2:open:slack:C0FLEET", title: "web1: fail2ban unreachable again" },
    ]);
    // And at JetStream's level: each delivered once, each acknowledged.
    expect(await consumerCounts()).toEqual({ delivered: before.delivered + 2, pending: 0, unacked: 0, redelivered: before.redelivered });
  });

  it("keeps alerts raised while NATS is down and delivers them when it is back", async () => {
    front ??= await startFrontHere();
    await nats.server.stop();
    agent.core.services.alerts.raise(alert("outage-3", "fail2ban unreachable during the NATS outage"));
    // The delivery job has tried (it runs every 2 s) and keeps the alert.
    const attempts = () => agent.db.prepare<[], { attempts: number }>("SELECT attempts FROM outbox WHERE channel = 'outage-3'").get()?.attempts ?? 0;
    await vi.waitFor(() => expect(attempts()).toBeGreaterThan(0), { timeout: 10_000, interval: 100 });
    expect(agentState(agent, "outage-3")).toBe("pending");

    await nats.server.restart();
    await vi.waitFor(() => expect(frontOutbox(front!).map((m) => m.title)).toContain("web1: fail2ban unreachable during the NATS outage"), { timeout: 20_000, interval: 100 });
    expect(frontOutbox(front).filter((m) => m.key.startsWith("web1/outage-3:"))).toHaveLength(1);
  });

  it("gets an event again when the front could not queue it, and queues it once", async () => {
    await front?.stop();
    front = undefined;
    const db = migratedStore(join(tmp.path, "front", "banbot.sqlite3"));
    const config = loadConfig({ BANBOT_FAIL2BAN_SOCKET: f2b.sandbox.socketPath, BANBOT_DATA_DIR: tmp.path }, "alerts:\n  routes:\n    - kinds: [health]\n      slack_channel: C0FLEET\n");
    const core = buildCore(config, db, silentLog);
    let nc: NatsConnection | undefined;
    const consumer = new AlertConsumer({
      subjects,
      log: silentLog,
      retryMs: 100,
      // Queued, then the front falls over before it could acknowledge: the event must come again.
      deliver: (host, event) => {
        calls.push(event.incident);
        const { v: _v, ...own } = event;
        core.services.alerts.raise(hostAlert(host, own));
        if (calls.length === 1) throw new Error("the front fell over after queueing");
      },
    });
    const calls: string[] = [];
    try {
      nc = await rawConnection(nats.server.url, keys.seed("front"), subjects.frontInbox);
      await consumer.start(nc);
      agent.core.services.alerts.raise(alert("outage-4", "fail2ban unreachable once more"));
      await vi.waitFor(() => expect(calls).toEqual(["outage-4", "outage-4"]), { timeout: 15_000, interval: 50 });
      const rows = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM outbox WHERE dedupe_key LIKE 'web1/outage-4:%'").get();
      expect(rows).toEqual({ n: 1 });
    } finally {
      await consumer.stop();
      await nc?.close();
      await core.close();
      db.close();
    }
  });

  it(`uses one stream per fleet name (${FLEET}), created by the front`, async () => {
    front ??= await startFrontHere();
    agent.core.services.alerts.raise(alert("outage-5", "fail2ban unreachable for the stream"));
    await vi.waitFor(() => expect(agentState(agent, "outage-5")).toBe("sent"), { timeout: 15_000, interval: 100 });
    const sent = agent.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM outbox WHERE state = 'sent'").get()!.n;
    const nc = await rawConnection(nats.server.url, keys.seed("front"), subjects.frontInbox);
    try {
      const info = await (await jetstreamManager(nc)).streams.info(subjects.stream);
      expect(info.config.subjects).toEqual([`banbot.${FLEET}.evt.>`]);
      // Every alert the agent sent, once: this test's and any other test's.
      expect(info.state.messages).toBe(sent);
    } finally {
      await nc.close();
    }
  });
});
