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
});
