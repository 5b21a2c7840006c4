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
    expect(t.raised[0]).toMatchObject({ kind: "health", step: "open", incident: "host:web1:999000", reply: { title: "web1 is unreachable", tone: "error", actions: [{ command: "status on web1" }] } });
    t.set([{ host: "web1", state: "alive", lastSeen: 1_060_000 }]);
    t.check();
    t.check();
    expect(t.raised.slice(1)).toEqual([
      { kind: "health", incident: "host:web1:999000", step: "resolve", reply: { title: "web1 is answering again", tone: "ok", text: "Unreachable for 1m1s." } },
    ]);
  });

  it("give a host the front has not heard from yet until the grace ends, then name it", () => {
    const t = setup();
    t.set([{ host: "db1", state: "gone" }]);
    t.check();
    expect(t.raised).toEqual([]);
    t.advance(30_000);
    t.check();
    expect(t.raised).toMatchObject([{ step: "open", incident: "host:db1:1030000", reply: { text: expect.stringContaining("since BanBot's front started") } }]);
  });

  it("make hosts that fail together one incident, resolved with the last of them; a later one gets its own", () => {
    const t = setup();
    t.set([
      { host: "web1", state: "stopped", lastSeen: 999_000 },
      { host: "web2", state: "gone", lastSeen: 998_000 },
      { host: "db1", state: "alive", lastSeen: 1_000_000 },
    ]);
    t.check();
    t.check();
    expect(t.raised).toMatchObject([{ step: "open", incident: "host:web1,web2:998000", reply: { title: "2 hosts are unreachable: web1, web2", actions: [{ command: "status on web1,web2" }] } }]);
    t.set([
      { host: "web1", state: "alive", lastSeen: 1_000_000 },
      { host: "web2", state: "gone", lastSeen: 998_000 },
      { host: "db1", state: "gone", lastSeen: 1_000_000 },
    ]);
    t.check();
    expect(t.raised.slice(1).map((a) => [a.incident, a.step, a.reply.title])).toEqual([["host:db1:1000000", "open", "db1 is unreachable"]]);
    t.set([
      { host: "web1", state: "alive", lastSeen: 1_000_000 },
      { host: "web2", state: "alive", lastSeen: 1_000_000 },
      { host: "db1", state: "gone", lastSeen: 1_000_000 },
    ]);
    t.check();
    t.check();
    expect(t.raised.slice(2).map((a) => [a.incident, a.step, a.reply.title])).toEqual([["host:web1,web2:998000", "resolve", "web1, web2 are answering again"]]);
  });

  it("say when a single agent stopped on purpose", () => {
    const t = setup();
    t.set([{ host: "web1", state: "stopped", lastSeen: 999_000 }]);
    t.check();
    expect(t.raised[0]?.reply.text).toMatch(/said it was stopping/);
  });
});
