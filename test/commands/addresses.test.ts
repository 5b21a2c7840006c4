import { describe, expect, it, vi } from "vitest";
import { useBanBot } from "../harness/banbot.js";
import { useClients } from "../harness/client.js";

// How addresses and networks are read and shown, against a real fail2ban-server (issue 14 item 6).
describe("addresses and networks in commands", () => {
  const bot = useBanBot();
  const connect = useClients();
  const fail2ban = () => connect(bot.sandbox.socketPath).fail2ban;

  it("treats ::ffff:a.b.c.d as the IPv4 address in ban, banned, ip, history and unban", async () => {
    const ban = await bot.run("ban ::ffff:203.0.113.40 alpha");
    expect(ban.title).toBe("Banned 203.0.113.40 in alpha");
    expect(ban.actions).toEqual([{ label: "Unban", command: "unban 203.0.113.40 alpha" }]);
    expect(await fail2ban().jailsBanning(["203.0.113.40"])).toEqual([["alpha"]]);

    const listed = await bot.run("banned alpha ::ffff:203.0.113.40");
    expect(listed.title).toBe('1 banned in alpha matching "203.0.113.40"');
    expect(listed.table?.rows[0]?.[0]).toBe("203.0.113.40");

    const report = await bot.run("ip ::FFFF:cb00:7128");
    expect(report.title).toBe("Address 203.0.113.40");
    expect(report.fields).toContainEqual({ label: "Banned in", value: "alpha" });

    // fail2ban writes its database a moment after the ban; the backfill reads it from there.
    await vi.waitFor(async () => expect((await bot.core.services.history.sync(fail2ban())).added).toBeGreaterThan(0), { timeout: 5_000 });
    const history = await bot.run("history ::ffff:203.0.113.40");
    expect(history.title).toBe("Ban history of 203.0.113.40");
    expect(history.table?.rows).toHaveLength(1);

    expect((await bot.run("unban ::ffff:203.0.113.40 alpha")).title).toBe("Unbanned 203.0.113.40 in alpha");
    expect(await fail2ban().jailsBanning(["203.0.113.40"])).toEqual([[]]);
  });

  it("bans a network as fail2ban lists it, and its Unban button lifts it", async () => {
    const ban = await bot.run("ban 198.51.100.77/26 beta for 1h");
    expect(ban.title).toBe("Banned 198.51.100.64/26 in beta for 1h");
    expect(await fail2ban().bannedIps("beta")).toContain("198.51.100.64/26");
    expect(bot.core.services.timedBans.forJail("beta").has("198.51.100.64/26")).toBe(true);

    expect((await bot.run(ban.actions![0]!.command)).title).toBe("Unbanned 198.51.100.64/26 in beta");
    expect(await fail2ban().bannedIps("beta")).not.toContain("198.51.100.64/26");
    await bot.run("ban 2001:DB8:77::/48 beta");
    expect((await bot.run("unban 2001:db8:77::/48")).title).toBe("Unbanned 2001:db8:77::/48 in every jail");
    expect(await fail2ban().bannedIps("beta")).toEqual([]);
  });
});
