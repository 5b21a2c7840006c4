import { describe, expect, it } from "vitest";
import type { Alert } from "../../../src/core/alerts/alert.js";
import { checkFleetHosts } from "../../../src/core/fleet/unreachable.js";
import type { HostPresence } from "../../../src/core/ports/fleet.js";
import { createAlertState } from "../../../src/store/alert-state.js";
import { migratedStore } from "../../harness/store.js";

// The detector on BanBot's real alert state (a fresh SQLite store), with presences as the
// heartbeat tracker reports them.

describe("host unreachable alerts", () => {
  const setup = () => {
    const state = createAlertState(migratedStore(":memory:"));
    const raised: Alert[] = [];
    let now = 1_000_000;
    let presence: HostPresence[] = [];
    const check = () => checkFleetHosts({ presence: () => presence, state, raise: (a) => raised.push(a), now: () => now, graceUntil: 1_030_000 });
    return {
      raised,
      check,
      set: (p: HostPresence[]) => (presence = p),
      advance: (ms: number) => (now += ms),
    };
  };

  it("raise one alert when a host's beats stop, nothing while it stays away, and one recovery", () => {
    const t = setup();
    t.set([{ host: "web1", state: "alive", lastSeen: 999_000 }]);
    t.check();
    expect(t.raised).toEqual([]);
    t.set([{ host: "web1", state: "gone", lastSeen: 999_000 }]);
    t.check();
    t.advance(60_000);
    t.check();
    expect(t.raised).toHaveLength(1);
    expect(t.raised[0]).toMatchObject({ kind: "health", step: "open", incident: "web1/host:web1:999000", reply: { title: "web1 is unreachable", tone: "error", actions: [{ command: "status on web1" }] } });
    t.set([{ host: "web1", state: "alive", lastSeen: 1_060_000 }]);
    t.check();
    t.check();
    expect(t.raised.slice(1)).toEqual([
      { kind: "health", incident: "web1/host:web1:999000", step: "resolve", reply: { title: "web1 is answering again", tone: "ok", text: "Unreachable for 1m1s." } },
    ]);
  });

  it("give a host the front has not heard from yet until the grace ends, then name it", () => {
    const t = setup();
    t.set([{ host: "db1", state: "gone" }]);
    t.check();
    expect(t.raised).toEqual([]);
    t.advance(30_000);
    t.check();
    expect(t.raised).toMatchObject([{ step: "open", incident: "db1/host:db1:1030000", reply: { text: expect.stringContaining("since BanBot's front started") } }]);
  });

  it("make hosts that fail within minutes of each other one incident, edited as they join and recover, resolved with the last", () => {
    const t = setup();
    const web1 = { host: "web1", state: "gone", lastSeen: 999_000 } as const;
    // Found in the same check: one post that names both.
    t.set([web1, { host: "web2", state: "stopped", lastSeen: 998_000 }, { host: "db1", state: "alive", lastSeen: 1_000_000 }]);
    t.check();
    t.check();
    expect(t.raised.map((a) => [a.incident, a.step, a.reply.title])).toEqual([
      ["web1/host:web1:999000", "open", "web1 is unreachable"],
      ["web1/host:web1:999000", "update", "2 hosts are unreachable"],
    ]);
    expect(t.raised[1]?.reply.actions).toEqual([{ label: "Status", command: "status on web1,web2" }]);
    expect(t.raised[1]?.reply.fields?.map((f) => f.label)).toEqual(["web1", "web2"]);
    expect(t.raised[1]?.reply.fields?.[1]?.value).toMatch(/said it was stopping/);

    // Three minutes later, in a later check, db1: the same incident.
    t.advance(3 * 60_000);
    t.set([web1, { host: "web2", state: "stopped", lastSeen: 998_000 }, { host: "db1", state: "gone", lastSeen: 1_170_000 }]);
    t.check();
    expect(t.raised.slice(2).map((a) => [a.incident, a.step, a.reply.title])).toEqual([["web1/host:web1:999000", "update", "3 hosts are unreachable"]]);

    // web1 back: still open for the other two; then both back: resolved, once.
    t.set([{ host: "web1", state: "alive", lastSeen: 1_180_000 }, { host: "web2", state: "stopped", lastSeen: 998_000 }, { host: "db1", state: "gone", lastSeen: 1_170_000 }]);
    t.check();
    expect(t.raised.slice(3).map((a) => [a.step, a.reply.title])).toEqual([["update", "2 of 3 hosts are unreachable"]]);
    t.set([{ host: "web1", state: "alive", lastSeen: 1_180_000 }, { host: "web2", state: "alive", lastSeen: 1_180_000 }, { host: "db1", state: "alive", lastSeen: 1_180_000 }]);
    t.check();
    t.check();
    expect(t.raised.slice(4).map((a) => [a.incident, a.step, a.reply.title])).toEqual([
      ["web1/host:web1:999000", "update", "1 of 3 hosts are unreachable"],
      ["web1/host:web1:999000", "resolve", "Over on all 3 hosts: web1, web2, db1"],
    ]);

    // Past the grouping window a host that goes is a new incident of its own.
    t.advance(10 * 60_000);
    t.set([{ host: "web2", state: "gone", lastSeen: 1_500_000 }]);
    t.check();
    expect(t.raised.slice(6).map((a) => [a.incident, a.step, a.reply.title])).toEqual([["web2/host:web2:1500000", "open", "web2 is unreachable"]]);
  });

  it("keep hosts apart that go unreachable further apart than the grouping window", () => {
    const t = setup();
    t.set([{ host: "web1", state: "gone", lastSeen: 999_000 }]);
    t.check();
    t.advance(6 * 60_000);
    t.set([{ host: "web1", state: "gone", lastSeen: 999_000 }, { host: "web2", state: "gone", lastSeen: 1_350_000 }]);
    t.check();
    expect(t.raised.map((a) => [a.incident, a.step, a.reply.title])).toEqual([
      ["web1/host:web1:999000", "open", "web1 is unreachable"],
      ["web2/host:web2:1350000", "open", "web2 is unreachable"],
    ]);
  });

  it("say when a single agent stopped on purpose", () => {
    const t = setup();
    t.set([{ host: "web1", state: "stopped", lastSeen: 999_000 }]);
    t.check();
    expect(t.raised[0]?.reply.text).toMatch(/said it was stopping/);
  });
});
