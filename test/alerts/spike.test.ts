import { describe, expect, it } from "vitest";
import type { Alert } from "../../src/alerts/alert.js";
import { detectSpikes, type SpikeDeps } from "../../src/alerts/spike.js";
import { createAlertState } from "../../src/store/alert-state.js";
import { useClients } from "../harness/client.js";
import { useFail2ban } from "../harness/fail2ban.js";
import { migratedStore } from "../harness/store.js";

describe("detectSpikes against a real fail2ban-server", () => {
  const f2b = useFail2ban();
  const connect = useClients();

  it("opens one incident per jail, updates it while it grows, resolves it when calm", async () => {
    const db = migratedStore();
    const fail2ban = connect(f2b.sandbox.socketPath).fail2ban;
    const alerts: Alert[] = [];
    // Ban times come from fail2ban's real clock, so the detector's clock is real too; runs stand for minutes.
    const deps: SpikeDeps = {
      fail2ban,
      state: createAlertState(db),
      raise: (a) => alerts.push(a),
      now: () => Date.now(),
      host: "web1",
      windowRuns: 3,
      minCount: 10,
      factor: 4,
      locate: (ips) => new Map(ips.map((ip) => [ip, ip.startsWith("198.") ? { country: "🇫🇷 France", network: "AS64500 Example" } : { country: "🇩🇪 Germany" }])),
    };
    let n = 0;
    const minute = async (bans: number) => {
      if (bans > 0) await fail2ban.ban("alpha", Array.from({ length: bans }, () => `${n % 2 ? "198.51.100" : "203.0.113"}.${(n++ % 250) + 1}`));
      await detectSpikes(deps);
    };

    for (let i = 0; i < 5; i++) await minute(i % 2);
    expect(alerts).toEqual([]);
    await minute(12);
    expect(alerts).toHaveLength(1);
    const opened = alerts[0]!;
    expect(opened).toMatchObject({ kind: "spike", jail: "alpha", step: "open", reply: { title: "Ban spike in alpha on web1", tone: "warn" } });
    expect(opened.reply.text).toMatch(/^1[23] bans in the last 3 minutes/);
    expect(opened.reply.fields?.find((f) => f.label === "Countries")?.value).toMatch(/🇩🇪 Germany \(\d+\)\n🇫🇷 France \(\d+\)|🇫🇷 France \(\d+\)\n🇩🇪 Germany \(\d+\)/);
    expect(opened.reply.fields?.find((f) => f.label === "Networks")?.value).toMatch(/^AS64500 Example \(\d+\)$/);
    expect(opened.reply.actions?.map((a) => a.command)).toEqual(["banned alpha", "alerts-mute spike:alpha for 1h", "stop alpha"]);
    // The rate chart counts fail2ban's bans per real minute of the window: all 14 so far took seconds.
    const rate = opened.reply.images?.[0]?.chart;
    expect(rate).toMatchObject({ kind: "timeline", title: "Bans per minute", series: [{ name: "alpha" }] });
    expect(rate!.categories.length).toBeGreaterThanOrEqual(3);
    expect(rate!.series[0]!.values.reduce((a, b) => a + b, 0)).toBe(n);

    await minute(20);
    expect(alerts.map((a) => a.step)).toEqual(["open", "update"]);
    expect(alerts[1]!.incident).toBe(opened.incident);
    await minute(0);
    await minute(0);
    expect(alerts.map((a) => a.step)).toEqual(["open", "update"]);
    await minute(0);
    await minute(0);
    expect(alerts.map((a) => a.step)).toEqual(["open", "update", "resolve"]);
    expect(alerts[2]!.reply.text).toMatch(/peaked at 3\d bans/);
    // beta saw nothing.
    expect(alerts.every((a) => a.jail === "alpha")).toBe(true);
    db.close();
  });
});
