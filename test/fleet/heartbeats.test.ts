import { setTimeout as delay } from "node:timers/promises";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { HeartbeatSender } from "../../src/fleet/agent/heartbeat.js";
import { HeartbeatTracker } from "../../src/fleet/front/heartbeats.js";
import { encodeWire } from "../../src/fleet/wire.js";
import { TestClock } from "../harness/banbot.js";
import { silentLog } from "../harness/client.js";
import { useNats } from "../harness/nats.js";
import { fleetKeys, rawConnection, subjects } from "./fleet-harness.js";

// Heartbeats over a real nats-server; the tracker judges them by a clock the test moves, so
// "gone" is decided by missed beats, not by how long the test waits.

const INTERVAL_MS = 100;

describe("heartbeats", () => {
  const keys = fleetKeys(["web1", "web2", "web3"]);
  const nats = useNats({ config: (dir) => keys.serverConfig(dir) });
  const clock = new TestClock();
  let front: NatsConnection;
  let tracker: HeartbeatTracker;
  const agent = async (host: string) => {
    const nc = await rawConnection(nats.server.url, keys.seed(host), subjects.agentInbox(host));
    return { nc, sender: new HeartbeatSender({ connection: () => (nc.isClosed() ? undefined : nc), subject: subjects.heartbeat(host), intervalMs: INTERVAL_MS, now: () => clock.now() }) };
  };

  beforeAll(async () => {
    front = await rawConnection(nats.server.url, keys.seed("front"), subjects.frontInbox);
    tracker = new HeartbeatTracker({ subjects, expected: ["web1", "web2", "web3"], now: () => clock.now(), log: silentLog });
    tracker.listen(front);
    await front.flush();
  });
  afterAll(async () => {
    tracker?.stop();
    await front?.close();
  });

  it("says a host is gone when its beats stop, and not before", async () => {
    const { nc, sender } = await agent("web1");
    sender.start();
    await vi.waitFor(() => expect(tracker.presence("web1")).toMatchObject({ state: "alive", lastSeen: clock.now() }), { timeout: 5_000, interval: 20 });
    // Three intervals without a beat, by the tracker's clock: gone; the next beat makes it alive again.
    clock.advance(3 * INTERVAL_MS + 1);
    expect(tracker.presence("web1").state).toBe("gone");
    await vi.waitFor(() => expect(tracker.presence("web1").state).toBe("alive"), { timeout: 5_000, interval: 20 });

    // The host dies without a word: its beats stop.
    await nc.close();
    await delay(3 * INTERVAL_MS);
    const last = tracker.presence("web1").lastSeen;
    clock.advance(3 * INTERVAL_MS + 1);
    expect(tracker.presence("web1").state).toBe("gone");
    await delay(3 * INTERVAL_MS);
    expect(tracker.presence("web1")).toMatchObject({ state: "gone", lastSeen: last });
    await sender.stop();
  });

  it("tells a host that stops on purpose from one that went silent", async () => {
    const { nc, sender } = await agent("web2");
    try {
      sender.start();
      await vi.waitFor(() => expect(tracker.presence("web2").state).toBe("alive"), { timeout: 5_000, interval: 20 });
      await sender.stop();
      await vi.waitFor(() => expect(tracker.presence("web2").state).toBe("stopped"), { timeout: 5_000, interval: 20 });
    } finally {
      await nc.close();
    }
  });

  it("lists the expected hosts, gone until they beat, and ignores beats it cannot read", async () => {
    const { nc } = await agent("web3");
    try {
      nc.publish(subjects.heartbeat("web3"), new TextEncoder().encode('{"v":1,"at":"yesterday"}'));
      await nc.flush();
      await delay(200);
      expect(tracker.presence("web3")).toEqual({ host: "web3", state: "gone" });
      nc.publish(subjects.heartbeat("web3"), encodeWire({ v: 1, at: 1, startedAt: 1, intervalMs: 60_000, stopping: false }));
      await nc.flush();
      await vi.waitFor(() => expect(tracker.presence("web3").state).toBe("alive"), { timeout: 5_000, interval: 20 });
      expect(tracker.hosts().map((h) => h.host)).toEqual(["web1", "web2", "web3"]);
    } finally {
      await nc.close();
    }
  });
});
