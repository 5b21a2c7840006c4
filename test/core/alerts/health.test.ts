import net from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Alert } from "../../../src/core/alerts/alert.js";
import { checkHealth, type HealthDeps } from "../../../src/core/alerts/health.js";
import { createAlertState } from "../../../src/store/alert-state.js";
import { useClients } from "../../harness/client.js";
import { useFail2ban } from "../../harness/fail2ban.js";
import { migratedStore } from "../../harness/store.js";
import { useTempDir } from "../../harness/temp-dir.js";

describe("checkHealth against a real fail2ban-server", () => {
  const f2b = useFail2ban();
  const connect = useClients();
  const tmp = useTempDir("bbh-");

  it("alerts once after N failed checks, stays quiet during the outage, and reports the recovery", async () => {
    const db = migratedStore();
    const alerts: Alert[] = [];
    let now = Date.UTC(2026, 10, 22, 10, 0, 0);
    const deps: HealthDeps = {
      fail2ban: connect(f2b.sandbox.socketPath, 1000).fail2ban,
      state: createAlertState(db),
      raise: (a) => alerts.push(a),
      now: () => now,
      host: "web1",
      threshold: 3,
      timeoutMs: 1000,
    };
    const tick = async () => {
      await checkHealth(deps);
      now += 30_000;
    };

    await tick();
    await f2b.sandbox.stop();
    await tick();
    await tick();
    expect(alerts).toEqual([]);
    await tick();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: "health", step: "open", reply: { title: "fail2ban is not answering on web1", tone: "error" } });
    expect(alerts[0]!.reply.text).toMatch(/^No answer to a ping: fail2ban's socket was not found: start fail2ban/);
    for (let i = 0; i < 5; i++) await tick();
    expect(alerts).toHaveLength(1);

    // A restart of BanBot in the middle of the outage must not announce it again.
    deps.state = createAlertState(db);
    await tick();
    expect(alerts).toHaveLength(1);

    await f2b.sandbox.restart();
    await tick();
    expect(alerts).toHaveLength(2);
    expect(alerts[1]).toMatchObject({ step: "resolve", incident: alerts[0]!.incident, reply: { title: "fail2ban is answering again on web1", text: "The outage lasted 4m30s." } });
    await tick();
    expect(alerts).toHaveLength(2);
    db.close();
  });

  it("alerts when a jail disappears unexpectedly, and when it is back", async () => {
    const db = migratedStore();
    const alerts: Alert[] = [];
    const fail2ban = connect(f2b.sandbox.socketPath).fail2ban;
    const deps: HealthDeps = { fail2ban, state: createAlertState(db), raise: (a) => alerts.push(a), now: () => 1, host: "web1", threshold: 3, timeoutMs: 1000, expectedGone: (jail) => jail === "alpha" };
    await checkHealth(deps);
    await fail2ban.stopJail("beta");
    await fail2ban.stopJail("alpha");
    await checkHealth(deps);
    await checkHealth(deps);
    expect(alerts.map((a) => [a.step, a.jail, a.reply.title])).toEqual([["open", "beta", "Jail beta is no longer running on web1"]]);
    await f2b.sandbox.restart();
    await checkHealth(deps);
    expect(alerts.map((a) => [a.step, a.jail])).toEqual([["open", "beta"], ["resolve", "beta"]]);
    db.close();
  });

  it("judges by an answered ping: a socket that accepts but never answers (systemd's, with socket activation) is down, and says so", async () => {
    const path = join(tmp.path, "activated.sock");
    // What systemd's socket looks like while fail2ban.service fails to start: connections are taken, nothing answers.
    const held = net.createServer((s) => s.on("error", () => undefined));
    await new Promise<void>((r) => held.listen(path, r));
    try {
      const db = migratedStore();
      const alerts: Alert[] = [];
      let now = Date.UTC(2026, 10, 22, 10, 0, 0);
      const deps: HealthDeps = { fail2ban: connect(path, 200).fail2ban, state: createAlertState(db), raise: (a) => alerts.push(a), now: () => now, host: "web1", threshold: 2, timeoutMs: 300 };
      for (let i = 0; i < 2; i++) {
        await checkHealth(deps);
        now += 30_000;
      }
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.reply.text).toBe(
        "The socket accepts connections, but nothing answered a ping within 300ms: fail2ban is hung, or the socket is systemd's (socket activation, fail2ban 1.1.1 and later) and fail2ban did not start. Check `systemctl status fail2ban` and fail2ban's log.",
      );
      db.close();
    } finally {
      held.close();
    }
  });
});
