import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it, vi } from "vitest";
import { slackUser, useBanBot } from "../harness/banbot.js";
import { useClients } from "../harness/client.js";
import { serveList, useListServer } from "../core/blocklist/list-server.js";

const ADMIN = slackUser("U0ADMIN");
const YAML = `
access:
  grants:
    - role: admin
      slack_users: [U0ADMIN]
blocklists:
  allow_private_hosts: [127.0.0.1]
`;
const eventually = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 8_000, interval: 25 });

// What a blocklist lifts without anyone removing it (an entry that left the list, a kept entry whose
// time ran out) goes through the capture like any unban: the archive names the list, never "by hand".
describe("the archive attributes blocklist departures and expiries (with the capture)", () => {
  const bot = useBanBot({ yaml: YAML, capture: true });
  const server = useListServer();
  const connect = useClients();
  const fail2ban = () => connect(bot.sandbox.socketPath).fail2ban;
  const why = (ip: string) => bot.core.services.history.events({ ip }, { limit: 1 }).map((e) => `${e.kind} ${e.origin} ${e.actor ?? ""}`.trim())[0];

  // The list did it, whoever asked for the run: its bans are archived the same way.
  it("an entry that left the list, on an import someone ran and on a scheduled one", async () => {
    server.route("/drop.txt", serveList("203.0.113.220\n203.0.113.221\n203.0.113.222\n"));
    await bot.run(`blocklist add drop ${server.url("/drop.txt")} beta`, ADMIN);
    await bot.run("blocklist import drop", ADMIN);
    await eventually(() => expect(why("203.0.113.221")).toBe("ban blocklist:drop"));

    server.route("/drop.txt", serveList("203.0.113.220\n203.0.113.222\n"));
    await bot.run("blocklist import drop", ADMIN);
    await eventually(() => expect(why("203.0.113.221")).toBe("unban blocklist:drop"));
    expect(await fail2ban().jailsBanning(["203.0.113.221"])).toEqual([[]]);

    // As the job runs it.
    server.route("/drop.txt", serveList("203.0.113.220\n"));
    await bot.core.services.blocklists.runImport("drop");
    await eventually(() => expect(why("203.0.113.222")).toBe("unban blocklist:drop"));
    expect(why("203.0.113.220")).toBe("ban blocklist:drop");
  });

  it("a departed entry kept for its time, lifted when that time is up", async () => {
    server.route("/kept.txt", serveList("198.51.100.230\n198.51.100.231\n"));
    await bot.run(`blocklist add kept ${server.url("/kept.txt")} alpha for 3s departed keep`, ADMIN);
    await bot.run("blocklist import kept", ADMIN);
    await eventually(() => expect(why("198.51.100.231")).toBe("ban blocklist:kept"));

    server.route("/kept.txt", serveList("198.51.100.230\n"));
    await bot.run("blocklist import kept", ADMIN);
    // Off the list, still banned for its time.
    expect(await fail2ban().jailsBanning(["198.51.100.231"])).toEqual([["alpha"]]);
    expect(why("198.51.100.231")).toBe("ban blocklist:kept");

    // Their time after each was last listed, with no import since: both expire, as the job lifts
    // them. Waited for, not moved on the clock: the capture dates events by fail2ban's own clock.
    await delay(3_200);
    expect(await bot.core.services.blocklists.expireDue(bot.clock.now())).toBe(2);
    await eventually(() => expect([why("198.51.100.231"), why("198.51.100.230")]).toEqual(["unban blocklist:kept", "unban blocklist:kept"]));
    expect(await fail2ban().jailsBanning(["198.51.100.231", "198.51.100.230"])).toEqual([[], []]);
  });
});
