import { describe, expect, it } from "vitest";
import { useBanBot } from "../harness/banbot.js";
import { useClients } from "../harness/client.js";
import { useFakeBanBot } from "../harness/fake-banbot.js";

// Operator commands through the real dispatcher, checked against the fake fail2ban's state.
describe("operator commands", () => {
  const bot = useFakeBanBot();
  const fail2ban = () => bot.fail2ban;

  it("bans one address and offers to unban it", async () => {
    const reply = await bot.run("ban 203.0.113.5 alpha");
    expect(reply).toMatchObject({ tone: "ok", title: "Banned 203.0.113.5 in alpha", actions: [{ label: "Unban", command: "unban 203.0.113.5 alpha" }] });
    expect(await fail2ban().jailsBanning(["203.0.113.5"])).toEqual([["alpha"]]);
  });

  it("says so when an address was banned already, and where its end moved", async () => {
    await bot.run("ban 203.0.113.8 alpha");
    const reply = await bot.run("ban 203.0.113.8 alpha");
    expect(reply).toMatchObject({ tone: "ok", title: "203.0.113.8 was already banned in alpha" });
    expect(reply.notes).toEqual(["Banning it again moved its end to 2026-11-22 10:00 UTC (alpha's ban time from now), unless it already ended later."]);
    const several = await bot.run("ban 203.0.113.8 203.0.113.9 alpha");
    expect(several).toMatchObject({ title: "Banned 2 addresses in alpha", notes: ["1 was already banned."] });
  });

  it("bans several addresses for a set time and records when to lift them", async () => {
    const reply = await bot.run("ban 203.0.113.6 2001:DB8::6 beta for 2h");
    // No process runs the jobs here: fail2ban's own end is what will happen, and what it says.
    expect(reply.title).toBe("Banned 2 addresses in beta for 1h, beta's ban time");
    expect(reply.fields).toEqual([{ label: "Until", value: "2026-11-22 10:00 UTC (fail2ban's end)" }]);
    expect(await fail2ban().jailsBanning(["203.0.113.6", "2001:db8::6"])).toEqual([["beta"], ["beta"]]);
    const timed = bot.core.services.timedBans.forJail("beta");
    expect(timed.get("2001:db8::6")?.until).toBe(bot.clock.now() + 7_200_000);
    expect(timed.get("203.0.113.6")?.actor).toBe("console:console");
  });

  it("unbans in one jail, or everywhere by default", async () => {
    await bot.run("ban 203.0.113.7 alpha");
    await bot.run("ban 203.0.113.7 beta");
    expect((await bot.run("unban 203.0.113.7 beta")).title).toBe("Unbanned 203.0.113.7 in beta");
    expect(await fail2ban().jailsBanning(["203.0.113.7"])).toEqual([["alpha"]]);
    await bot.run("ban 203.0.113.7 beta");
    expect((await bot.run("unban 203.0.113.7")).title).toBe("Unbanned 203.0.113.7 in every jail");
    expect(await fail2ban().jailsBanning(["203.0.113.7"])).toEqual([[]]);
    expect((await bot.run("unban 203.0.113.7 all")).title).toBe("203.0.113.7 was not banned in any jail");
  });

  it("says which of several addresses were not banned, and counts an address typed twice once", async () => {
    await bot.run("ban 203.0.113.11 203.0.113.12 beta");
    expect(await bot.run("unban 203.0.113.11 203.0.113.13 beta")).toMatchObject({ title: "Unbanned 1 of 2 addresses in beta", text: "1 address was not banned in beta." });
    expect(await bot.run("unban 203.0.113.12 203.0.113.12 203.0.113.14")).toMatchObject({
      title: "Unbanned 1 of 2 addresses in every jail",
      text: "Not banned in any jail: 203.0.113.14.",
    });
    expect((await bot.run("unban 203.0.113.11 203.0.113.12")).title).toBe("None of the 2 addresses were banned in any jail");
  });

  it("forgets a timed ban when it is lifted by hand", async () => {
    await bot.run("ban 203.0.113.8 alpha for 1d");
    await bot.run("unban 203.0.113.8 alpha");
    expect(bot.core.services.timedBans.forIp("203.0.113.8")).toEqual([]);
  });

  it("shows and edits the ignore list with addresses and networks", async () => {
    expect((await bot.run("ignore alpha")).text).toBe("The ignore list is empty.");
    expect((await bot.run("ignore alpha add 198.51.100.0/24 2001:db8:abcd::/48")).tone).toBe("ok");
    expect(await fail2ban().ignoreList("alpha")).toEqual(expect.arrayContaining(["198.51.100.0/24", "2001:db8:abcd::/48"]));
    await bot.run("ignore alpha del 198.51.100.0/24");
    expect(await fail2ban().ignoreList("alpha")).toEqual(["2001:db8:abcd::/48"]);
    expect((await bot.run("ignore alpha del 192.0.2.250")).text).toBe("192.0.2.250 is not on the ignore list of alpha.");
    expect((await bot.run("ignore alpha add")).tone).toBe("error");
  });

  it("switches ignoreself and idle", async () => {
    await bot.run("ignoreself beta on");
    expect((await fail2ban().jailSettings("beta")).ignoreself).toBe(true);
    await bot.run("ignoreself beta off");
    expect((await fail2ban().jailSettings("beta")).ignoreself).toBe(false);
    expect((await bot.run("idle beta on")).tone).toBe("warn");
    expect(bot.core.services.jailNotes.idleOf(bot.core.services.host, "beta")?.idle).toBe(true);
    expect((await bot.run("jail beta")).fields).toContainEqual({ label: "Idle", value: expect.stringMatching(/^set on by local console .*; fail2ban cannot confirm$/) });
    await bot.run("idle beta off");
    expect(bot.core.services.jailNotes.idleOf(bot.core.services.host, "beta")?.idle).toBe(false);
  });

  it.each([
    ["ban 203.0.113.300 alpha", /is not an IP address/],
    ["ban 203.0.113.10 alpha for soon", /`for` expects a duration like 30m, 2h, 7d/],
    ["ban 203.0.113.10", /needs a jail/],
    ["ban", /needs/],
    ["ban 203.0.113.10 alpah", /no jail named alpah\. Did you mean `alpha`\?/],
    ["idle alpha maybe", /on or off/],
    ["ignore alpha add 10.0.0.0/40", /not an IP address or CIDR/],
  ])("GIVEN `%s` THEN it explains the mistake and changes nothing", async (line, message) => {
    const before = await fail2ban().banned();
    const reply = await bot.run(line);
    expect(reply.tone).toBe("error");
    expect(reply.private).toBe(true);
    expect(reply.text).toMatch(message);
    expect(await fail2ban().banned()).toEqual(before);
    expect(await fail2ban().ignoreList("alpha")).not.toContain("10.0.0.0/40");
  });
});

// What needs the real thing: the wire (round trips) and fail2ban-client's reloads.
describe("operator commands against a real fail2ban", () => {
  const bot = useBanBot();
  const connect = useClients();
  const fail2ban = () => connect(bot.sandbox.socketPath).fail2ban;

  it("unbans hundreds of addresses everywhere per address, never scanning the jails per address", async () => {
    // fail2ban's `banned <ip…>` looks each address up in a list of the whole jail: 400 addresses
    // in a 100k jail took 35 s and ran into the timeout. The metrics name every command sent.
    const filler = Array.from({ length: 2000 }, (_, i) => `10.77.${i >> 8}.${i & 255}`);
    const targets = Array.from({ length: 400 }, (_, i) => `198.18.${100 + (i >> 8)}.${i & 255}`);
    await fail2ban().ban("alpha", [...filler, ...targets]);
    await fail2ban().ban("beta", targets.slice(0, 100));
    const unbanipBefore = await bot.roundTrips("set unbanip");

    const reply = await bot.run(`unban ${targets.join(" ")} 203.0.113.250`);
    // 203.0.113.250 was banned nowhere: the reply says so rather than counting it as unbanned.
    expect(reply).toMatchObject({ tone: "ok", title: "Unbanned 400 of 401 addresses in every jail", text: "500 bans lifted. Not banned in any jail: 203.0.113.250." });
    expect((await fail2ban().jailsBanning(targets)).flat()).toEqual([]);
    const left = new Set(await fail2ban().bannedIps("alpha"));
    expect(filler.filter((ip) => !left.has(ip))).toEqual([]);
    expect(await bot.roundTrips("banned")).toBe(0);
    // One unbanip per jail and chunk of addresses.
    expect((await bot.roundTrips("set unbanip")) - unbanipBefore).toBe(2);
    await fail2ban().unban("alpha", filler);
  });

  it("knows that its own reload turned idle off, without the action to confirm it", async () => {
    await bot.run("idle beta on");
    bot.clock.advance(1);
    await bot.run("reload beta");
    bot.clock.advance(60_000);
    expect((await bot.run("jail beta")).fields).toContainEqual({ label: "Idle", value: "off (the jail restarted or reloaded 1m ago)" });
  });

  it("reloads a jail from its configuration, keeping its bans", async () => {
    await bot.run("ban 203.0.113.9 alpha");
    await bot.run("ignore alpha add 198.51.100.9");
    expect((await bot.run("reload alpha")).title).toBe("Reloaded alpha from its configuration");
    expect(await fail2ban().ignoreList("alpha")).not.toContain("198.51.100.9");
    expect(await fail2ban().jailsBanning(["203.0.113.9"])).toEqual([["alpha"]]);
  });
});
