import { describe, expect, it } from "vitest";
import type { Reply } from "../../src/core/reply.js";
import { slackUser, useBanBot } from "../harness/banbot.js";
import { useClients } from "../harness/client.js";
import { useFakeBanBot } from "../harness/fake-banbot.js";

const ADMIN = slackUser("U0ADMIN");
const YAML = `
access:
  grants:
    - role: admin
      slack_users: [U0ADMIN, U0ADMIN2]
    - role: viewer
      slack_users: [U0VIEW]
`;

const confirmOf = (reply: Reply) => reply.actions?.find((a) => a.label === "Confirm")?.command ?? "";
const cancelOf = (reply: Reply) => reply.actions?.find((a) => a.label === "Cancel")?.command ?? "";

describe("destructive commands", () => {
  const bot = useFakeBanBot({ yaml: YAML });
  const fail2ban = () => bot.fail2ban;

  it("asks for confirmation first and does nothing until confirmed", async () => {
    const ask = await bot.run("stop beta", ADMIN);
    expect(ask).toMatchObject({ tone: "warn", title: "Confirm: stop beta", private: true });
    expect(ask.actions?.map((a) => [a.label, a.style])).toEqual([["Confirm", "danger"], ["Cancel", undefined]]);
    expect((await fail2ban().status()).jails).toEqual(["alpha", "beta"]);

    expect((await bot.run(confirmOf(ask), ADMIN)).title).toBe("Stopped beta");
    expect((await fail2ban().status()).jails).toEqual(["alpha"]);
  });

  it("accepts a confirmation once only", async () => {
    const ask = await bot.run("stop beta", ADMIN);
    await bot.run(confirmOf(ask), ADMIN);
    const again = await bot.run(confirmOf(ask), ADMIN);
    expect(again).toMatchObject({ tone: "error", title: "Not confirmed" });
  });

  it("belongs to who asked: another admin can neither confirm nor cancel it, and the attempts are audited", async () => {
    await fail2ban().ban("alpha", ["192.0.2.90", "192.0.2.91"]);
    const ask = await bot.run("unban-all alpha", ADMIN);
    const other = slackUser("U0ADMIN2");
    expect(await bot.run(confirmOf(ask), other)).toMatchObject({ tone: "error", title: "Not yours to confirm", private: true });
    expect(await bot.run(cancelOf(ask), other)).toMatchObject({ tone: "error", title: "Not allowed", private: true });
    expect(await fail2ban().bannedIps("alpha")).toEqual(["192.0.2.90", "192.0.2.91"]);
    const attempts = bot.core.services.audit.query({ limit: 2 }).map((e) => [e.userId, e.command, e.outcome]);
    expect(attempts).toEqual([
      ["U0ADMIN2", "cancel", "refused"],
      ["U0ADMIN2", "unban-all", "refused"],
    ]);
    // Neither attempt used it up: the asker still can.
    expect((await bot.run(confirmOf(ask), ADMIN)).title).toBe("Lifted all 2 bans in alpha");
    expect(await fail2ban().bannedIps("alpha")).toEqual([]);
  });

  it("refuses a viewer's cancel of an admin's confirmation", async () => {
    const ask = await bot.run("stop beta", ADMIN);
    expect((await bot.run(cancelOf(ask), slackUser("U0VIEW"))).title).toBe("Not allowed");
    expect((await bot.run(cancelOf(ask), ADMIN)).title).toBe("Cancelled; nothing was changed");
  });

  it("lets a confirmation expire", async () => {
    await fail2ban().ban("alpha", ["192.0.2.92"]);
    const ask = await bot.run("unban-all all", ADMIN);
    bot.clock.advance(5 * 60_000 + 1);
    expect((await bot.run(confirmOf(ask), ADMIN)).text).toMatch(/has expired/);
    expect(await fail2ban().bannedIps("alpha")).toEqual(["192.0.2.92"]);
  });

  it("cannot be confirmed with a token issued for another command", async () => {
    const ask = await bot.run("stop alpha", ADMIN);
    const token = confirmOf(ask).split("--confirm=")[1];
    expect((await bot.run(`stop beta --confirm=${token}`, ADMIN)).title).toBe("Not confirmed");
    expect((await fail2ban().status()).jails).toEqual(["alpha", "beta"]);
    // The real button still works: a forged attempt does not use it up.
    await bot.run(cancelOf(ask), ADMIN);
    expect((await bot.run(confirmOf(ask), ADMIN)).title).toBe("Not confirmed");
    expect((await fail2ban().status()).jails).toEqual(["alpha", "beta"]);
  });

  it("lifts every ban in every jail after confirmation", async () => {
    await fail2ban().ban("alpha", ["192.0.2.93"]);
    await fail2ban().ban("beta", ["192.0.2.94"]);
    await bot.run("ban 192.0.2.95 beta for 1h", ADMIN);
    const done = await bot.run(confirmOf(await bot.run("unban-all all", ADMIN)), ADMIN);
    expect(done.tone).toBe("warn");
    expect([...(await fail2ban().banned()).values()].flat()).toEqual([]);
    expect(bot.core.services.timedBans.forIp("192.0.2.95")).toEqual([]);
  });
});

// Starting and reloading go through fail2ban-client and the configuration.
describe("destructive commands that reload fail2ban's configuration", () => {
  const bot = useBanBot({ yaml: YAML });
  const connect = useClients();
  const fail2ban = () => connect(bot.sandbox.socketPath).fail2ban;

  it("starts a stopped jail after confirmation", async () => {
    await fail2ban().stopJail("beta");
    const ask = await bot.run("start beta", ADMIN);
    expect((await bot.run(confirmOf(ask), ADMIN)).title).toBe("Started beta");
    expect((await fail2ban().status()).jails).toEqual(["alpha", "beta"]);
  });

  it("reloads every jail after confirmation", async () => {
    await fail2ban().stopJail("beta");
    const ask = await bot.run("reload-all", ADMIN);
    expect((await bot.run(confirmOf(ask), ADMIN)).text).toBe("Running jails: alpha, beta.");
  });
});
