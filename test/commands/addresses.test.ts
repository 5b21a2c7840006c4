import { networkInterfaces } from "node:os";
import { describe, expect, it, vi } from "vitest";
import { useBanBot } from "../harness/banbot.js";
import { useClients } from "../harness/client.js";
import { useFakeBanBot } from "../harness/fake-banbot.js";

// How addresses and networks are read and shown (issue 14 item 6). The history's backfill reads
// fail2ban's database, which only a real server has.
describe("addresses in commands, against a real fail2ban-server", () => {
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
});

describe("addresses and networks in commands", () => {
  const bot = useFakeBanBot();
  const fail2ban = () => bot.fail2ban;

  it("bans a network as fail2ban lists it, and its Unban button lifts it", async () => {
    const ban = await bot.run("ban 198.51.100.77/26 beta for 1h");
    expect(ban.title).toBe("Banned 198.51.100.64/26 in beta for 1h, beta's ban time");
    expect(await fail2ban().bannedIps("beta")).toContain("198.51.100.64/26");
    expect(bot.core.services.timedBans.forJail("beta").has("198.51.100.64/26")).toBe(true);

    expect((await bot.run(ban.actions![0]!.command)).title).toBe("Unbanned 198.51.100.64/26 in beta");
    expect(await fail2ban().bannedIps("beta")).not.toContain("198.51.100.64/26");
    await bot.run("ban 2001:DB8:77::/48 beta");
    expect((await bot.run("unban 2001:db8:77::/48")).title).toBe("Unbanned 2001:db8:77::/48 in every jail");
    expect(await fail2ban().bannedIps("beta")).toEqual([]);
  });

  it.each([
    ["stats 7x", "No jail named 7x: fail2ban runs none and the ban history has none. Did you mean `7d`?"],
    ["history 2hrs", "No jail named 2hrs: fail2ban runs none and the ban history has none. Did you mean `2h`?"],
    ["top ips 30d alpah", "No jail named alpah: fail2ban runs none and the ban history has none. Did you mean `alpha`?"],
    ["history 999.9.9.9", "“999.9.9.9” is not an IP address."],
  ])("refuses a word that fits no slot, naming it: %s", async (line, message) => {
    expect(await bot.run(line)).toMatchObject({ tone: "error", text: message });
  });

  describe("bans that could lock someone out ask first", () => {
    const ownAddress = Object.values(networkInterfaces())
      .flatMap((list) => list ?? [])
      .find((a) => !a.internal && a.family === "IPv4")?.address;

    it.each([
      ["ban 127.0.0.2 alpha", "127.0.0.2: loopback (127.0.0.0/8)"],
      ["ban 10.1.2.3 alpha for 1h", "10.1.2.3: private network (10.0.0.0/8)"],
      ["ban ::ffff:192.168.1.9 alpha", "192.168.1.9: private network (192.168.0.0/16)"],
      ["ban 203.0.113.41 172.16.0.0/12 alpha", "172.16.0.0/12: overlaps private network (172.16.0.0/12)"],
      ["ban 64.0.0.0/3 alpha", "64.0.0.0/3: a network wider than /8"],
    ])("%s", async (line, why) => {
      const asked = await bot.run(line);
      expect(asked).toMatchObject({ tone: "warn", title: expect.stringMatching(/^Confirm: ban /) });
      expect(asked.text).toContain(why);
      expect(await fail2ban().bannedIps("alpha")).toEqual([]);
    });

    it("asks for an address on the jail's ignore list, then bans once confirmed", async () => {
      await fail2ban().addIgnore("alpha", ["198.51.100.128/25"]);
      const asked = await bot.run("ban 198.51.100.200 alpha");
      expect(asked.text).toMatch(/^This ban could lock out your own users or this machine:\n198\.51\.100\.200: alpha's ignore list has 198\.51\.100\.128\/25\nBan anyway\? The button expires in 5m\.$/);
      expect(await fail2ban().bannedIps("alpha")).toEqual([]);
      const confirm = asked.actions!.find((a) => a.label === "Confirm")!;
      expect((await bot.run(confirm.command)).title).toBe("Banned 198.51.100.200 in alpha");
      expect(await fail2ban().bannedIps("alpha")).toEqual(["198.51.100.200"]);
      // A confirmation is good for one run only.
      expect((await bot.run(confirm.command)).tone).toBe("error");
    });

    it.runIf(ownAddress)("asks for an address of this machine", async () => {
      const asked = await bot.run(`ban ${ownAddress} alpha`);
      expect(asked.text).toContain(`${ownAddress}: an address of this machine (BanBot's host)`);
      expect(await fail2ban().bannedIps("alpha")).toEqual([]);
    });

    it("bans public and documentation addresses at once", async () => {
      expect((await bot.run("ban 8.8.8.8 192.0.2.99 alpha")).title).toBe("Banned 2 addresses in alpha");
      expect(await fail2ban().bannedIps("alpha")).toEqual(["8.8.8.8", "192.0.2.99"]);
    });
  });
});
