import { setTimeout as delay } from "node:timers/promises";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Alert } from "../../src/core/alerts/alert.js";
import { checkFleetHosts } from "../../src/core/fleet/unreachable.js";
import { HeartbeatSender } from "../../src/fleet/agent/heartbeat.js";
import { HeartbeatTracker } from "../../src/fleet/front/heartbeats.js";
import { encodeWire } from "../../src/fleet/wire.js";
import { createAlertState } from "../../src/store/alert-state.js";
import { migratedStore } from "../harness/store.js";
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

  it("makes hosts whose beats stop two minutes apart one unreachable incident, resolved when both beat again", async () => {
    const raised: Alert[] = [];
    const state = createAlertState(migratedStore(":memory:"));
    const mine = ["web1", "web2"];
    const check = () => checkFleetHosts({ presence: () => tracker.hosts().filter((h) => mine.includes(h.host)), state, raise: (a) => raised.push(a), now: () => clock.now(), graceUntil: 0 });
    const alive = (host: string) => vi.waitFor(() => expect(tracker.presence(host).state).toBe("alive"), { timeout: 5_000, interval: 20 });
    /** Stops a host's beats without a word, and moves the clock past three missed ones. */
    const silence = async ({ nc, sender }: Awaited<ReturnType<typeof agent>>) => {
      await nc.close();
      await sender.stop();
      await delay(3 * INTERVAL_MS);
      clock.advance(3 * INTERVAL_MS + 1);
    };
    const web1 = await agent("web1");
    const web2 = await agent("web2");
    const again: Awaited<ReturnType<typeof agent>>[] = [];
    try {
      web1.sender.start();
      web2.sender.start();
      await Promise.all(mine.map(alive));
      check();
      expect(raised).toEqual([]);

      await silence(web1);
      await alive("web2");
      check();
      clock.advance(2 * 60_000);
      await alive("web2");
      check();
      await silence(web2);
      check();
      expect(raised.map((a) => [a.step, a.reply.title])).toEqual([
        ["open", "web1 is unreachable"],
        ["update", "2 hosts are unreachable"],
      ]);
      expect(new Set(raised.map((a) => a.incident)).size).toBe(1);

      for (const host of mine) {
        const back = await agent(host);
        again.push(back);
        back.sender.start();
        await alive(host);
        check();
      }
      expect(raised.slice(2).map((a) => [a.step, a.reply.title])).toEqual([
        ["update", "1 of 2 hosts are unreachable"],
        ["resolve", "Over on all 2 hosts: web1, web2"],
      ]);
      expect(raised.at(-1)?.incident).toBe(raised[0]?.incident);
    } finally {
      for (const { nc, sender } of [web1, web2, ...again]) {
        await sender.stop();
        await nc.close();
      }
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
