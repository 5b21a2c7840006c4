import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Alert } from "../../../src/core/alerts/alert.js";
import { noteFleetBans, type FleetBan } from "../../../src/core/fleet/seen-across.js";
import { createAlertState } from "../../../src/store/alert-state.js";
import { migratedStore } from "../../harness/store.js";
import { useTempDir } from "../../harness/temp-dir.js";

// The "seen across the fleet" detector on BanBot's real alert state (a SQLite file, reopened for a
// restart of the front), with a test clock.

const IP = "203.0.113.9";
const MIN = 60_000;

describe("seen across the fleet", () => {
  const tmp = useTempDir("bbseen-");
  const setup = (file = ":memory:") => {
    const raised: Alert[] = [];
    let now = 10_000_000;
    let db = migratedStore(file);
    let state = createAlertState(db);
    const note = (host: string, bans: FleetBan[]) => noteFleetBans({ state, raise: (a) => raised.push(a), now: () => now, hosts: 3, windowMs: 10 * MIN }, host, bans);
    return {
      raised,
      /** A ban by `host`'s filter just now. */
      ban: (host: string, ip = IP, jail = "sshd") => note(host, [{ ip, jail, at: now }]),
      note,
      advance: (ms: number) => (now += ms),
      now: () => now,
      restart() {
        db.close();
        db = migratedStore(file);
        state = createAlertState(db);
      },
    };
  };

  it("raises one alert when the third host bans the address, naming hosts and jails, with Ban everywhere buttons", () => {
    const t = setup();
    t.ban("web1");
    t.advance(MIN);
    t.ban("web1"); // the same host again is still one host
    t.ban("web2", IP, "nginx");
    expect(t.raised).toEqual([]);
    t.advance(MIN);
    t.ban("db1");
    expect(t.raised).toHaveLength(1);
    expect(t.raised[0]).toMatchObject({
      kind: "spike",
      step: "open",
      jail: "sshd",
      incident: `fleet-seen:${IP}:${t.now()}`,
      reply: {
        title: `${IP} banned on 3 hosts within 10m`,
        tone: "warn",
        fields: [
          { label: "db1", value: expect.stringMatching(/^sshd, /) },
          { label: "web1", value: expect.stringMatching(/^sshd, /) },
          { label: "web2", value: expect.stringMatching(/^nginx, /) },
        ],
        actions: [
          { label: "Ban everywhere 1h", command: `ban ${IP} sshd for 1h on all`, style: "danger" },
          { label: "Ban everywhere 1d", command: `ban ${IP} sshd for 1d on all`, style: "danger" },
          { label: "Ban everywhere 7d", command: `ban ${IP} sshd for 7d on all`, style: "danger" },
          { label: "Ban everywhere (sshd's bantime)", command: `ban ${IP} sshd on all` },
        ],
      },
    });
    // More hosts within the window: no second alert, but the post is updated to name them.
    const incident = t.raised[0]!.incident;
    t.ban("db2");
    t.advance(5 * MIN);
    t.ban("web3");
    t.ban("web1"); // a host it names already changes nothing
    expect(t.raised.map((a) => [a.step, a.seq, a.incident, a.reply.title])).toEqual([
      ["open", undefined, incident, `${IP} banned on 3 hosts within 10m`],
      ["update", 1, incident, `${IP} banned on 4 hosts within 10m`],
      ["update", 2, incident, `${IP} banned on 5 hosts within 10m`],
    ]);
    expect(t.raised[2]?.reply.fields?.map((f) => f.label)).toEqual(["db1", "db2", "web1", "web2", "web3"]);
    expect(t.raised[2]?.reply.actions).toEqual(t.raised[0]?.reply.actions);
  });

  it("keeps the post's jail in its updates, also when later hosts banned it in another (routed and muted alike)", () => {
    const t = setup();
    for (const host of ["web1", "web2", "db1"]) t.ban(host, IP, host === "web1" ? "sshd" : "nginx");
    for (const host of ["db2", "db3"]) t.ban(host, IP, "sshd");
    expect(t.raised.map((a) => [a.step, a.jail, a.reply.actions?.at(-1)?.command])).toEqual([
      ["open", "nginx", `ban ${IP} nginx on all`],
      ["update", "nginx", `ban ${IP} nginx on all`],
      ["update", "nginx", `ban ${IP} nginx on all`],
    ]);
  });

  it("names hosts in the post even once the first bans are older than the window, while the alert lasts", () => {
    const t = setup();
    t.ban("web1");
    t.advance(5 * MIN);
    t.ban("web2");
    t.ban("db1"); // the alert covers the next 10 minutes
    t.advance(6 * MIN); // web1's ban is 11 minutes old
    t.ban("db2");
    expect(t.raised.map((a) => a.step)).toEqual(["open", "update"]);
    expect(t.raised[1]?.reply.fields?.map((f) => f.label)).toEqual(["db1", "db2", "web1", "web2"]);
    // The alert's window is over: db3 is a second host of the last 10 minutes, nothing to say.
    t.advance(5 * MIN);
    t.ban("db3");
    expect(t.raised.map((a) => a.step)).toEqual(["open", "update"]);
  });

  it("counts only bans within the window", () => {
    const t = setup();
    t.ban("web1");
    t.advance(6 * MIN);
    t.ban("web2");
    t.advance(5 * MIN); // web1's ban is 11 minutes old now
    t.ban("db1");
    expect(t.raised).toEqual([]);
    t.ban("web1");
    expect(t.raised).toHaveLength(1);
    // A backlog of bans older than the window (a front that was down) completes nothing.
    t.note("web1", [{ ip: "198.51.100.1", jail: "sshd", at: t.now() - 20 * MIN }]);
    t.note("web2", [{ ip: "198.51.100.1", jail: "sshd", at: t.now() - 20 * MIN }]);
    t.note("db1", [{ ip: "198.51.100.1", jail: "sshd", at: t.now() - 20 * MIN }]);
    expect(t.raised).toHaveLength(1);
  });

  it("alerts again, as a new incident, once the window of the first alert is over", () => {
    const t = setup();
    for (const host of ["web1", "web2", "db1"]) t.ban(host);
    t.advance(11 * MIN);
    for (const host of ["web1", "web2", "db1"]) t.ban(host);
    expect(t.raised.map((a) => a.incident)).toEqual([`fleet-seen:${IP}:10000000`, `fleet-seen:${IP}:${10_000_000 + 11 * MIN}`]);
  });

  it("neither alerts again nor forgets the bans it saw when the front restarts", () => {
    const t = setup(join(tmp.path, "front.sqlite3"));
    t.ban("web1");
    t.ban("web2");
    t.restart();
    t.ban("db1");
    expect(t.raised).toHaveLength(1);
    t.restart();
    t.ban("web1");
    expect(t.raised).toHaveLength(1);
    // It remembers its post too: a new host updates it.
    t.ban("db2");
    expect(t.raised.map((a) => [a.step, a.incident])).toEqual([
      ["open", t.raised[0]!.incident],
      ["update", t.raised[0]!.incident],
    ]);
  });

  it("keeps addresses apart", () => {
    const t = setup();
    t.ban("web1", "192.0.2.1");
    t.ban("web2", "192.0.2.2");
    t.ban("db1", "192.0.2.3");
    expect(t.raised).toEqual([]);
  });
});
