import { beforeEach, describe, expect, it } from "vitest";
import type { Alert } from "../../../src/core/alerts/alert.js";
import type { Place } from "../../../src/core/alerts/ban-window.js";
import { SpikeDetector } from "../../../src/core/alerts/spike.js";
import { CONSOLE_IDENTITY } from "../../../src/core/identity.js";
import { ownBansQuery } from "../../../src/store/own-bans.js";
import { serveList, useListServer } from "../blocklist/list-server.js";
import { useFakeBanBot } from "../../harness/fake-banbot.js";

const CHANNEL = "C0ALERTS";
const locate = (ips: string[]) => new Map<string, Place>(ips.map((ip) => [ip, { country: ip.startsWith("198.") ? "🇫🇷 France" : "🇩🇪 Germany" }]));

// Without the history capture, spike detection falls back on fail2ban's total-banned counter once a
// minute; what BanBot banned itself (noted before it acts) is taken off, and the alert describes the
// bans fail2ban still lists from the window, less BanBot's own.
describe("SpikeDetector without the history capture (fake fail2ban, BanBot's real core)", () => {
  const lists = useListServer();
  const bot = useFakeBanBot({
    yaml: `
blocklists:
  allow_private_hosts: [127.0.0.1]
alerts:
  routes:
    - kinds: [spike, blocklist]
      slack_channel: ${CHANNEL}
  blocklist:
    large_change: 100
`,
  });
  let alerts: Alert[];
  let detector: SpikeDetector;

  beforeEach(() => {
    alerts = [];
    detector = new SpikeDetector({
      fail2ban: bot.core.services.fail2ban,
      state: bot.core.alertState,
      raise: (a) => alerts.push(a),
      now: () => bot.clock.now(),
      host: "web1",
      windowMinutes: 5,
      minCount: 10,
      factor: 4,
      locate,
      ownBans: ownBansQuery(bot.db, bot.core.services.host),
    });
  });
  const core = () => bot.core;
  const run = (line: string) => core().dispatcher.run(line, CONSOLE_IDENTITY);
  const outboxTitles = () =>
    bot.db
      .prepare<[], { reply: string }>("SELECT reply FROM outbox ORDER BY id")
      .all()
      .map((r) => (JSON.parse(r.reply) as { title: string }).title);

  it("a 500-address blocklist import and chat bans make no spike, but a blocklist alert; a filter burst does", async () => {
    await detector.tick();
    expect(core().services.alerts.spikeSources()).toMatchObject({ events: [], counter: ["alpha", "beta"] });
    bot.clock.advance(10_000);

    const listed = Array.from({ length: 500 }, (_, i) => `192.0.${2 + (i >> 8)}.${i & 255}`);
    lists.route("/drop.txt", serveList(listed.join("\n")));
    expect((await run(`blocklist add drop ${lists.url("/drop.txt")} alpha`)).tone).toBe("ok");
    expect((await run("blocklist import drop")).title).toBe("Imported drop into alpha: +500 −0");
    expect((await run(`ban ${Array.from({ length: 15 }, (_, i) => `203.0.113.${i + 201}`).join(" ")} alpha`)).title).toBe("Banned 15 addresses in alpha");
    expect((await core().services.fail2ban.jailStatus("alpha", { short: true })).totalBanned).toBe(515);
    bot.clock.advance(50_000);
    await detector.tick();
    expect(alerts).toEqual([]);
    // The import is news of its own, where blocklist alerts go.
    expect(outboxTitles()).toEqual([expect.stringMatching(/^Blocklist drop changed alpha on .+: \+500 −0$/)]);

    const attack = [...Array.from({ length: 7 }, (_, i) => `203.0.113.${i + 1}`), ...Array.from({ length: 5 }, (_, i) => `198.51.100.${i + 1}`)];
    bot.clock.advance(10_000);
    for (const ip of attack) bot.fail2ban.fail("alpha", ip, 3);
    bot.clock.advance(50_000);
    await detector.tick();
    expect(alerts).toHaveLength(1);
    const [opened] = alerts;
    expect(opened).toMatchObject({ kind: "spike", jail: "alpha", step: "open" });
    expect(opened!.reply.text).toBe("12 bans in the last 5 minutes, about none usually.");
    const field = (label: string) => opened!.reply.fields?.find((f) => f.label === label)?.value ?? "";
    expect(field("Latest addresses").split("\n").every((ip) => attack.includes(ip))).toBe(true);
    expect(field("Countries")).toBe("🇩🇪 Germany (7)\n🇫🇷 France (5)");
    expect(opened!.reply.notes?.join(" ")).toMatch(/fail2ban's ban counter once a minute: install the history capture/);
  });
});
