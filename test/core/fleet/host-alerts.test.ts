import { describe, expect, it } from "vitest";
import type { Alert } from "../../../src/core/alerts/alert.js";
import { GROUP_WINDOW_MS, takeHostAlert } from "../../../src/core/fleet/host-alerts.js";
import { createAlertState } from "../../../src/store/alert-state.js";
import { migratedStore } from "../../harness/store.js";

// The grouping's window and a host that fails again, on a clock the test moves (the real path is
// test/fleet/grouped-alerts.test.ts).

const spike = (host: string, step: Alert["step"], n = 1): Alert => ({
  kind: "spike",
  jail: "sshd",
  incident: `spike:${host}:sshd:${n}`,
  step,
  reply: { title: step === "resolve" ? "Ban spike in sshd is over" : `Ban spike in sshd on ${host}`, tone: step === "resolve" ? "ok" : "warn" },
});

function intake() {
  let now = 1_000_000;
  const raised: Alert[] = [];
  const deps = { state: createAlertState(migratedStore()), raise: (a: Alert) => void raised.push(a), now: () => now };
  return { take: (host: string, alert: Alert) => takeHostAlert(deps, host, alert), raised, later: (ms: number) => (now += ms) };
}

describe("grouping agents' alerts across hosts", () => {
  it("groups a host that raises the same alert within the window, and not one after it", () => {
    const { take, raised, later } = intake();
    take("web1", spike("web1", "open"));
    later(GROUP_WINDOW_MS);
    take("web2", spike("web2", "open"));
    later(1);
    take("db1", spike("db1", "open"));
    expect(raised.map((a) => `${a.incident} ${a.step} ${a.reply.title}`)).toEqual([
      "web1/spike:web1:sshd:1 open Ban spike in sshd on web1",
      "web1/spike:web1:sshd:1 update Ban spike in sshd on 2 hosts",
      "db1/spike:db1:sshd:1 open Ban spike in sshd on db1",
    ]);
  });

  it("lists a host that fails again within its group once, failing again, and ends the group with the last", () => {
    const { take, raised } = intake();
    take("web1", spike("web1", "open"));
    take("web2", spike("web2", "open"));
    take("web1", spike("web1", "resolve"));
    take("web1", spike("web1", "open", 2));
    expect(raised.at(-1)?.reply.title).toBe("Ban spike in sshd on 2 hosts");
    expect(raised.at(-1)?.reply.fields?.map((f) => f.label)).toEqual(["web1", "web2"]);
    take("web1", spike("web1", "resolve", 2));
    take("web2", spike("web2", "resolve"));
    expect(raised.at(-1)).toMatchObject({ incident: "web1/spike:web1:sshd:1", step: "resolve", reply: { title: "Over on all 2 hosts: web1, web2" } });
    // The first incident's late repeat changes nothing.
    take("web1", spike("web1", "resolve"));
    expect(raised).toHaveLength(6);
  });

  it("leaves other kinds alone, and an update it never saw open goes out as the host's own", () => {
    const { take, raised } = intake();
    take("web1", { kind: "silent", jail: "sshd", incident: "silent:web1:sshd:1", step: "open", reply: { title: "Jail sshd on web1 is silent", tone: "warn" } });
    take("web2", spike("web2", "update"));
    expect(raised.map((a) => `${a.incident} ${a.step}`)).toEqual(["web1/silent:web1:sshd:1 open", "web2/spike:web2:sshd:1 update"]);
  });
});
