import { setTimeout as delay } from "node:timers/promises";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Reply } from "../../src/core/reply.js";
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
const confirmOf = (reply: Reply) => reply.actions?.find((a) => a.label === "Confirm")?.command ?? "";
const eventually = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 8_000, interval: 25 });

// What BanBot lifts is archived as BanBot's, with who or what did it, never as "by hand, outside BanBot".
describe("the archive attributes what BanBot lifts", () => {
  const bot = useBanBot({ yaml: YAML, capture: true });
  const server = useListServer();
  const connect = useClients();
  const fail2ban = () => connect(bot.sandbox.socketPath).fail2ban;
  const why = (ip: string) => bot.core.services.history.events({ ip }, { limit: 1 }).map((e) => `${e.kind} ${e.origin} ${e.actor ?? ""}`.trim())[0];
  const confirmed = async (line: string) => await bot.run(confirmOf(await bot.run(line, ADMIN)), ADMIN);
  // Each test counts the bans it makes: none left from another.
  beforeEach(async () => {
    await fail2ban().unbanAll();
  });

  it("unban-all of a jail and of every jail", async () => {
    await fail2ban().ban("alpha", ["192.0.2.201", "192.0.2.202"]);
    expect((await confirmed("unban-all alpha")).title).toBe("Lifted all 2 bans in alpha");
    await eventually(() => expect([why("192.0.2.201"), why("192.0.2.202")]).toEqual(["unban manual slack:U0ADMIN", "unban manual slack:U0ADMIN"]));

    await fail2ban().ban("alpha", ["192.0.2.203"]);
    await fail2ban().ban("beta", ["192.0.2.204"]);
    await confirmed("unban-all all");
    await eventually(() => expect([why("192.0.2.203"), why("192.0.2.204")]).toEqual(["unban manual slack:U0ADMIN", "unban manual slack:U0ADMIN"]));
  });

  it("stop, while a stop BanBot did not make (a restart) leaves the archive alone", async () => {
    await fail2ban().ban("beta", ["192.0.2.205"]);
    await eventually(() => expect(why("192.0.2.205")).toBe("ban external"));
    expect((await confirmed("stop beta")).text).toBe("Its 1 ban was lifted.");
    await eventually(() => expect(why("192.0.2.205")).toBe("unban manual slack:U0ADMIN"));
    await bot.run(confirmOf(await bot.run("start beta", ADMIN)), ADMIN);

    await fail2ban().ban("alpha", ["192.0.2.206"]);
    await eventually(() => expect(why("192.0.2.206")).toBe("ban external"));
    const received = bot.listener.stats().events;
    await bot.sandbox.restart();
    // The shutdown's unbans arrive, marked, and are left out: fail2ban restores the bans.
    await eventually(() => expect(bot.listener.stats().events).toBeGreaterThan(received));
    expect(why("192.0.2.206")).toBe("ban external");
  });

  it("removing a blocklist, with the user who removed it", async () => {
    server.route("/list.txt", serveList("203.0.113.210\n203.0.113.211\n"));
    await bot.run(`blocklist add drop ${server.url("/list.txt")} beta`, ADMIN);
    await bot.run("blocklist import drop", ADMIN);
    await eventually(() => expect(why("203.0.113.210")).toBe("ban blocklist:drop"));
    await confirmed("blocklist remove drop");
    await eventually(() => expect([why("203.0.113.210"), why("203.0.113.211")]).toEqual(["unban blocklist:drop slack:U0ADMIN", "unban blocklist:drop slack:U0ADMIN"]));
  });

  // What a blocklist lifts without anyone removing it (an entry that left the list, a kept entry
  // whose time ran out) goes through the capture like any unban: the archive names the list.
  // The list did it, whoever asked for the run: its bans are archived the same way.
  it("an entry that left the list, on an import someone ran and on a scheduled one", async () => {
    server.route("/left.txt", serveList("203.0.113.220\n203.0.113.221\n203.0.113.222\n"));
    await bot.run(`blocklist add left ${server.url("/left.txt")} beta`, ADMIN);
    await bot.run("blocklist import left", ADMIN);
    await eventually(() => expect(why("203.0.113.221")).toBe("ban blocklist:left"));

    server.route("/left.txt", serveList("203.0.113.220\n203.0.113.222\n"));
    await bot.run("blocklist import left", ADMIN);
    await eventually(() => expect(why("203.0.113.221")).toBe("unban blocklist:left"));
    expect(await fail2ban().jailsBanning(["203.0.113.221"])).toEqual([[]]);

    // As the job runs it.
    server.route("/left.txt", serveList("203.0.113.220\n"));
    await bot.core.services.blocklists.runImport("left");
    await eventually(() => expect(why("203.0.113.222")).toBe("unban blocklist:left"));
    expect(why("203.0.113.220")).toBe("ban blocklist:left");
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
