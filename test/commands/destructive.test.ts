import { describe, expect, it } from "vitest";
import type { Reply } from "../../src/core/reply.js";
import { slackUser, useBanBot } from "../harness/banbot.js";
import { useClients } from "../harness/client.js";

const ADMIN = slackUser("U0ADMIN");
const YAML = `
access:
  grants:
    - role: admin
      slack_users: [U0ADMIN, U0ADMIN2]
`;

const confirmOf = (reply: Reply) => reply.actions?.find((a) => a.label === "Confirm")?.command ?? "";
const cancelOf = (reply: Reply) => reply.actions?.find((a) => a.label === "Cancel")?.command ?? "";

describe("destructive commands", () => {
  const bot = useBanBot({ yaml: YAML });
  const connect = useClients();
  const fail2ban = () => connect(bot.sandbox.socketPath).fail2ban;

  it("asks for confirmation first and does nothing until confirmed", async () => {
    const ask = await bot.run("stop beta", ADMIN);
    expect(ask).toMatchObject({ tone: "warn", title: "Confirm: stop beta", private: true });
    expect(ask.actions?.map((a) => [a.label, a.style])).toEqual([["Confirm", "danger"], ["Cancel", undefined]]);
    expect((await fail2ban().status()).jails).toEqual(["alpha", "beta"]);

    expect((await bot.run(confirmOf(ask), ADMIN)).title).toBe("Stopped beta");
    expect((await fail2ban().status()).jails).toEqual(["alpha"]);
  });

  it("starts a stopped jail after confirmation", async () => {
    const ask = await bot.run("start beta", ADMIN);
    expect((await bot.run(confirmOf(ask), ADMIN)).title).toBe("Started beta");
    expect((await fail2ban().status()).jails).toEqual(["alpha", "beta"]);
  });

  it("accepts a confirmation once only", async () => {
    const ask = await bot.run("stop beta", ADMIN);
    await bot.run(confirmOf(ask), ADMIN);
    const again = await bot.run(confirmOf(ask), ADMIN);
    expect(again).toMatchObject({ tone: "error", title: "Not confirmed" });
    await bot.run(confirmOf(await bot.run("start beta", ADMIN)), ADMIN);
  });

  it("lets another admin confirm", async () => {
    await fail2ban().ban("alpha", ["192.0.2.90", "192.0.2.91"]);
    const ask = await bot.run("unban-all alpha", ADMIN);
    expect((await bot.run(confirmOf(ask), slackUser("U0ADMIN2"))).title).toBe("Lifted all 2 bans in alpha");
    expect(await fail2ban().bannedIps("alpha")).toEqual([]);
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

  it("reloads every jail after confirmation", async () => {
    await fail2ban().stopJail("beta");
    const ask = await bot.run("reload-all", ADMIN);
    expect((await bot.run(confirmOf(ask), ADMIN)).text).toBe("Running jails: alpha, beta.");
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
