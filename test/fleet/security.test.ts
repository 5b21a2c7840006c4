import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { createUser } from "@nats-io/nkeys";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CONSOLE_IDENTITY } from "../../src/core/identity.js";
import { FleetClient, type FleetCommand } from "../../src/fleet/front/client.js";
import { HeartbeatTracker } from "../../src/fleet/front/heartbeats.js";
import { encodeWire } from "../../src/fleet/wire.js";
import { capturedLog, silentLog } from "../harness/client.js";
import { useNats } from "../harness/nats.js";
import { useTempDir } from "../harness/temp-dir.js";
import { fleetKeys, rawConnection, startTestAgent, startTestFront, subjects, type TestAgent, type TestFront } from "./fleet-harness.js";

// The server's configuration is the one `banbot fleet-config` generates; these are the attempts
// BanBot's own code never makes, made with real credentials against the real server.

const STATUS: FleetCommand = { actor: CONSOLE_IDENTITY, role: "viewer", confirmed: false, deadlineMs: 1_500 };
// No fail2ban is needed to show who may say what: the agents' jobs just find it unreachable.
const NO_FAIL2BAN = "/nonexistent/fail2ban.sock";

/** What the server answers when `attempt` oversteps the credentials: a permissions violation. */
async function refusal(attempt: () => Promise<unknown>): Promise<string> {
  try {
    await attempt();
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return "allowed";
}

describe("fleet credentials (real nats-server, generated least-privilege config)", () => {
  const keys = fleetKeys(["web1", "web2"]);
  const nats = useNats({ config: (dir) => keys.serverConfig(dir) });
  const tmp = useTempDir("bbfleet-sec-");
  let front: TestFront;
  let client: FleetClient;
  let web1: NatsConnection;

  beforeAll(async () => {
    front = await startTestFront({ dataDir: join(tmp.path, "front"), url: nats.server.url, seedFile: keys.seedFile(tmp.path, "front"), socket: NO_FAIL2BAN, hosts: ["web1", "web2"] });
    await front.front.connected();
    client = front.front.client;
    web1 = await rawConnection(nats.server.url, keys.seed("web1"), subjects.agentInbox("web1"));
  });
  afterAll(async () => {
    await web1?.close();
    await front?.stop();
  });

  it("refuses an agent whose key the server does not know", async () => {
    const forged = join(tmp.path, "forged.nk");
    writeFileSync(forged, new TextDecoder().decode(createUser().getSeed()), { mode: 0o600 });
    const { log, entries } = capturedLog("warn");
    const agent = await startTestAgent({ host: "web1", socket: NO_FAIL2BAN, dataDir: join(tmp.path, "forged"), url: nats.server.url, seedFile: forged, log });
    try {
      await vi.waitFor(() => expect(entries.some((e) => e.msg === "cannot connect to NATS; trying again" && /authorization/i.test(JSON.stringify(e.err)))).toBe(true), { timeout: 10_000 });
      const [answer] = await client.run("status", ["web1"], STATUS);
      expect(answer).toMatchObject({ host: "web1", answered: false, reason: "no_agent" });
    } finally {
      await agent.stop();
    }
  });

  it("gives an agent running with another host's key none of that host's commands, heartbeats or alerts", async () => {
    const tracker = new HeartbeatTracker({ subjects, expected: ["web2"], now: () => Date.now(), log: silentLog });
    const watcher = await rawConnection(nats.server.url, keys.seed("front"), subjects.frontInbox);
    tracker.listen(watcher);
    let impostor: TestAgent | undefined;
    try {
      impostor = await startTestAgent({ host: "web2", socket: NO_FAIL2BAN, dataDir: join(tmp.path, "impostor"), url: nats.server.url, seedFile: keys.seedFile(tmp.path, "web1"), heartbeatMs: 200 });
      // The server takes the key (it is web1's): what it may do is the question.
      await impostor.connected();
      impostor.core.services.alerts.raise({ kind: "health", incident: "fake", step: "open", reply: { title: "web2 is fine, trust me", tone: "ok" } });
      // Its delivery job tried to publish, and was refused (its inbox for the stream's acknowledgement first).
      const row = () => impostor!.db.prepare<[], { state: string; attempts: number; lastError: string | null }>("SELECT state, attempts, last_error AS lastError FROM outbox").get();
      await vi.waitFor(() => expect(row()?.attempts).toBeGreaterThan(0), { timeout: 10_000, interval: 100 });
      expect(row()).toMatchObject({ state: "pending", lastError: expect.stringMatching(/^NATS did not take the alert: Permissions Violation/) });

      const [answer] = await client.run("status", ["web2"], STATUS);
      expect(answer).toMatchObject({ host: "web2", answered: false, reason: "no_agent" });
      expect(tracker.presence("web2").state).toBe("gone");
      const info = await (await jetstreamManager(watcher)).streams.info(subjects.stream, { subjects_filter: ">" });
      expect(Object.keys(info.state.subjects ?? {})).not.toContain("banbot.test.evt.web2.alert");
    } finally {
      tracker.stop();
      await watcher.close();
      await impostor?.stop();
    }
  });

  it("lets an agent neither publish another host's events nor hear its commands", async () => {
    const event = encodeWire({ v: 1, kind: "health", incident: "forged", step: "open", reply: { title: "forged", tone: "ok" } });
    expect(await refusal(() => jetstream(web1).publish(subjects.alert("web2"), event, { msgID: "forged", timeout: 2_000 }))).toMatch(/Permissions Violation for Publish to "banbot\.test\.evt\.web2\.alert"/);

    const eavesdrop = web1.subscribe(subjects.command("web2"));
    const closed = await eavesdrop.closed;
    expect(String(closed)).toMatch(/Permissions Violation for Subscription to "banbot\.test\.cmd\.web2"/);
    const [answer] = await client.run("status", ["web2"], STATUS);
    expect(answer).toMatchObject({ host: "web2", answered: false, reason: "no_agent" });
  });

  it("lets only the front send commands, read heartbeats, see replies and use the stream", async () => {
    const request = encodeWire({ v: 1, id: FleetClient.newId(), line: "unban-all all", actor: { ...CONSOLE_IDENTITY, groups: [] }, role: "admin", confirmed: true });
    expect(await refusal(() => web1.request(subjects.command("web2"), request, { timeout: 2_000 }))).toMatch(/Permissions Violation for Publish to "banbot\.test\.cmd\.web2"/);
    for (const subject of [subjects.heartbeats, `${subjects.frontInbox}.>`, subjects.events]) {
      expect(String(await web1.subscribe(subject).closed)).toMatch(/Permissions Violation for Subscription/);
    }
    expect(await refusal(async () => await jetstreamManager(web1))).toMatch(/Permissions Violation for Publish to "\$JS\.API\.INFO"/);
    expect(await refusal(() => jetstream(web1).consumers.get(subjects.stream, subjects.consumer))).toMatch(/Permissions Violation/);
  });
});
