import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Alert } from "../../../src/core/alerts/alert.js";
import type { Place } from "../../../src/core/alerts/ban-window.js";
import { SpikeDetector } from "../../../src/core/alerts/spike.js";
import { SOURCES_KEY } from "../../../src/core/alerts/spike-sources.js";
import { historyActionFile } from "../../../src/cli/capture-check.js";
import type { History } from "../../../src/core/history/history.js";
import type { HistoryListener } from "../../../src/core/history/listener.js";
import { createAlertState } from "../../../src/store/alert-state.js";
import { ownBansQuery } from "../../../src/store/own-bans.js";
import { useClients } from "../../harness/client.js";
import { causeBansByLog, useFail2ban } from "../../harness/fail2ban.js";
import { historyOn } from "../../harness/history.js";
import { migratedStore } from "../../harness/store.js";

const socketPath = join(tmpdir(), `bbsp-${randomBytes(4).toString("hex")}.sock`);
const HOST = "test-host";

// Two made-up places, so the breakdown can be checked against the bans it describes.
const locate = (ips: string[]) => new Map<string, Place>(ips.map((ip) => [ip, ip.startsWith("198.") ? { country: "🇫🇷 France", network: "AS64500 Example" } : { country: "🇩🇪 Germany" }]));
const attackers = (prefix: string, from: number, n: number) => Array.from({ length: n }, (_, i) => `${prefix}.${from + i}`);

describe("SpikeDetector with the history capture (real fail2ban, real action and archive)", () => {
  const f2b = useFail2ban({ extraActions: [{ file: historyActionFile(), options: { socket: socketPath, retry: "0.2" } }] });
  const connect = useClients();
  let db: Database;
  let history: History;
  let listener: HistoryListener | undefined;
  let unsubscribe: (() => void) | undefined;
  const alerts: Alert[] = [];
  // The detector's clock is the real one (fail2ban stamps the bans), moved on to play minutes.
  let shift = 0;
  let detector: SpikeDetector;

  beforeAll(async () => {
    db = migratedStore();
    history = historyOn(db, { host: HOST });
    listener = await history.listen({ path: socketPath, mode: 0o600 });
    detector = new SpikeDetector({
      fail2ban: connect(f2b.sandbox.socketPath).fail2ban,
      state: createAlertState(db),
      raise: (a) => alerts.push(a),
      now: () => Date.now() + shift,
      host: "web1",
      windowMinutes: 2,
      minCount: 10,
      factor: 4,
      locate,
      ownBans: ownBansQuery(db, HOST),
    });
    unsubscribe = history.subscribe((events) => detector.observe(events));
  });
  afterAll(async () => {
    unsubscribe?.();
    await listener?.close();
    db.close();
  });

  it("opens an incident from fail2ban's filter bans as they arrive, never from BanBot's own or hand-made ones; updates it while it grows, and resolves it after two calm ticks", { timeout: 90_000 }, async () => {
    const fail2ban = connect(f2b.sandbox.socketPath).fail2ban;
    await detector.tick();
    expect(createAlertState(db).get(SOURCES_KEY)).toMatchObject({ events: ["alpha", "beta"], counter: [] });

    // A blocklist import, a chat ban and a ban by hand outside BanBot: 60 bans in a minute, none an attack.
    const listed = attackers("192.0.2", 1, 40);
    history.noteOrigin({ jail: "alpha", ips: listed, origin: "blocklist:drop", at: Date.now() });
    await fail2ban.ban("alpha", listed);
    const chat = attackers("192.0.2", 101, 10);
    history.noteOrigin({ jail: "alpha", ips: chat, origin: "manual", actor: "slack:U01ADMIN", at: Date.now() });
    await fail2ban.ban("alpha", chat);
    await fail2ban.ban("alpha", attackers("192.0.2", 201, 10));
    await vi.waitFor(() => expect(history.count({ jail: "alpha" }, 1000)).toBe(60), { timeout: 10_000, interval: 50 });
    expect(alerts).toEqual([]);

    // The attack: 12 addresses fail to log in until the filter bans them. No tick: the events alone.
    const attack = [...attackers("203.0.113", 1, 6), ...attackers("198.51.100", 1, 6)];
    await causeBansByLog(f2b.sandbox, "alpha", attack);
    await vi.waitFor(() => expect(alerts).toHaveLength(1), { timeout: 10_000, interval: 50 });
    const [opened] = alerts;
    expect(opened).toMatchObject({ kind: "spike", jail: "alpha", step: "open", reply: { title: "Ban spike in alpha on web1", tone: "warn" } });
    // It opens once 10 have arrived; the capture may deliver the last of the 12 a moment later.
    const seen = Number(/^(\d+) bans in the last 2 minutes, about none usually\.$/.exec(opened!.reply.text ?? "")?.[1]);
    expect(seen).toBeGreaterThanOrEqual(10);
    expect(seen).toBeLessThanOrEqual(12);
    // The breakdown describes the same bans.
    const field = (label: string) => opened!.reply.fields?.find((f) => f.label === label)?.value ?? "";
    expect(field("Latest addresses").split("\n").every((ip) => attack.includes(ip))).toBe(true);
    const countries = new Map(field("Countries").split("\n").map((line) => /^(.+) \((\d+)\)$/.exec(line)!.slice(1, 3) as [string, string]));
    expect([...countries.keys()].sort()).toEqual(["🇩🇪 Germany", "🇫🇷 France"]);
    expect(Number(countries.get("🇩🇪 Germany")) + Number(countries.get("🇫🇷 France"))).toBe(seen);
    // Those of no known AS are counted as such, not left out.
    expect(field("Networks").split("\n").sort()).toEqual([`AS64500 Example (${countries.get("🇫🇷 France")})`, `unknown (${countries.get("🇩🇪 Germany")})`]);
    expect(opened!.reply.notes).toContain("Seen as the bans happened, from the history capture.");
    // The rate chart counts the same bans per minute of the window.
    const rate = opened!.reply.images?.[0]?.chart;
    expect(rate).toMatchObject({ kind: "timeline", title: "Bans per minute", series: [{ name: "alpha" }] });
    expect(rate!.series[0]!.values.reduce((a, b) => a + b, 0)).toBe(seen);
    expect(opened!.reply.actions?.map((a) => a.command)).toEqual(["banned alpha", "alerts-mute spike:alpha for 1h", "stop alpha"]);

    // The incident is updated while it grows, and resolved after two calm ticks.
    await causeBansByLog(f2b.sandbox, "alpha", attackers("203.0.113", 101, 8));
    await vi.waitFor(() => expect(history.count({ jail: "alpha" }, 1000)).toBe(80), { timeout: 10_000, interval: 50 });
    // Within 30 s of the last edit, the growth waits for the tick.
    await detector.tick();
    expect(alerts.map((a) => a.step)).toEqual(["open", "update"]);
    expect(alerts[1]!.incident).toBe(alerts[0]!.incident);
    expect(alerts[1]!.reply.text).toMatch(/^20 bans in the last 2 minutes/);

    // Three minutes later the window is empty: one calm tick is a lull, two are the end.
    shift += 3 * 60_000;
    await detector.tick();
    expect(alerts.map((a) => a.step)).toEqual(["open", "update"]);
    shift += 60_000;
    await detector.tick();
    expect(alerts.map((a) => a.step)).toEqual(["open", "update", "resolve"]);
    expect(alerts[2]!.reply).toMatchObject({ title: "Ban spike in alpha is over", text: expect.stringMatching(/peaked at 20 bans/) });
    expect(alerts.every((a) => a.jail === "alpha")).toBe(true);
  });
});
