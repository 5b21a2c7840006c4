import { describe, expect, it } from "vitest";
import { serveList } from "./list-server.js";
import { addresses, sorted, useImport } from "./use-import.js";

// Who owns a ban, what is never banned, networks, moves, limits, removal and ban durations, against
// a real fail2ban-server.
describe("blocklist import rules", () => {
  const t = useImport();
  const fail2ban = () => t.bot.core.services.fail2ban;

  it("leaves alone what fail2ban had banned before the list listed it", async () => {
    await fail2ban().ban("alpha", ["203.0.113.50"]);
    t.server.route("/own", serveList(addresses(60).join("\n")));
    await t.add("own", "/own");
    await t.blocklists.runImport("own");
    expect(t.spy.banned).not.toContain("203.0.113.50");
    t.server.route("/own", serveList(addresses(10).join("\n")));
    expect(await t.blocklists.runImport("own")).toMatchObject({ removed: 49 });
    expect(await t.bannedIn("alpha")).toEqual(sorted([...addresses(10), "203.0.113.50"]));
  });

  it("unbans an address two lists share only when the last of them drops it", async () => {
    t.server.route("/a", serveList("203.0.113.1\n203.0.113.2\n"));
    t.server.route("/b", serveList("203.0.113.2\n203.0.113.3\n"));
    await t.add("a", "/a");
    await t.add("b", "/b");
    await t.blocklists.runImport("a");
    await t.blocklists.runImport("b");
    t.server.route("/a", serveList("203.0.113.1\n"));
    await t.blocklists.runImport("a");
    expect(await t.bannedIn("alpha")).toEqual(["203.0.113.1", "203.0.113.2", "203.0.113.3"]);
    t.server.route("/b", serveList("203.0.113.3\n"));
    await t.blocklists.runImport("b");
    expect(await t.bannedIn("alpha")).toEqual(["203.0.113.1", "203.0.113.3"]);
    expect(t.blocklists.listing("203.0.113.3")).toEqual([{ source: "b", jail: "alpha" }]);
  });

  it("never bans the jail's ignore list, BanBot's protected ranges or special ranges, and lifts what becomes ignored", async () => {
    await fail2ban().addIgnore("beta", ["203.0.113.0/28"]);
    try {
      t.server.route("/rules", serveList(["203.0.113.5", "203.0.113.20", "198.51.100.200", "198.51.100.0/24", "10.0.0.1", "127.0.0.1", "::ffff:192.168.1.1", "1.0.0.0/6"].join("\n")));
      await t.add("rules", "/rules", { jail: "beta" });
      expect(await t.blocklists.runImport("rules")).toMatchObject({ valid: 8, skipped: 7, skippedDetail: { ignored: 1, protected: 2, special: 3, broad: 1 }, added: 1 });
      expect(await t.bannedIn("beta")).toEqual(["203.0.113.20"]);
      await fail2ban().addIgnore("beta", ["203.0.113.20"]);
      expect(await t.blocklists.runImport("rules")).toMatchObject({ removed: 1 });
      expect(await t.bannedIn("beta")).toEqual([]);
    } finally {
      await fail2ban().removeIgnore("beta", "203.0.113.0/28");
      await fail2ban().removeIgnore("beta", "203.0.113.20");
    }
  });

  it("puts back the bans inside a network that leaves the list, since fail2ban lifts those with it", async () => {
    t.server.route("/net", serveList("198.51.100.0/25\n198.51.100.7\n203.0.113.9\n"));
    await t.add("net", "/net");
    await t.blocklists.runImport("net");
    expect(await t.bannedIn("alpha")).toEqual(["198.51.100.0/25", "198.51.100.7", "203.0.113.9"]);
    t.server.route("/net", serveList("198.51.100.7\n203.0.113.9\n"));
    expect(await t.blocklists.runImport("net")).toMatchObject({ removed: 1, unchanged: 2 });
    expect(await t.bannedIn("alpha")).toEqual(["198.51.100.7", "203.0.113.9"]);
    expect(t.rows("net").map((r) => r.state)).toEqual(["banned", "banned"]);
  });

  it("reads DShield's block.txt as the networks its ranges span, never as their first addresses", async () => {
    const blockTxt = [
      "#   DShield.org Recommended Block List",
      "#    Columns (tab delimited):",
      "Start\tEnd\tNetblock\tAttacks\tName\tCountry\temail",
      "203.0.113.0\t203.0.113.255\t24\t6286\tEXAMPLE-NET No.31, Some Street\tCN\tabuse@example.net",
      "198.51.100.0\t198.51.100.127\t25\t2769\tExample Regional\tUS\tabuse@example.org",
      // A range that is no single network, and one that contradicts its prefix: refused, not guessed.
      "192.0.2.0\t192.0.2.99\t24\t12\tOdd\tDE\tx@example.com",
      "192.0.2.0\t192.0.2.255\t16\t12\tOdd\tDE\tx@example.com",
    ].join("\n");
    t.server.route("/block.txt", serveList(blockTxt));
    await t.add("dshield", "/block.txt");
    expect(await t.blocklists.runImport("dshield")).toMatchObject({ outcome: "ok", fetched: 4, valid: 2, invalid: 2, added: 2 });
    expect(await t.bannedIn("alpha")).toEqual(["198.51.100.0/25", "203.0.113.0/24"]);
  });

  it("bans again what fail2ban lost, in a jail where its own bans would make up the count", async () => {
    // fail2ban's own bans in the same jail: more than the list loses.
    await fail2ban().ban("alpha", addresses(10, 100));
    t.server.route("/shared", serveList(addresses(20).join("\n")));
    t.server.route("/shared-tagged", serveList(addresses(20, 30).join("\n"), { etag: '"s1"' }));
    await t.add("shared", "/shared");
    await t.add("tagged", "/shared-tagged");
    await t.blocklists.runImport("shared");
    await t.blocklists.runImport("tagged");
    // As after a fail2ban restart that lost its last writes: three of each list's bans are gone.
    const gone = [...addresses(3), ...addresses(3, 30)];
    await fail2ban().unban("alpha", gone);
    t.spy.reset();

    expect(await t.blocklists.runImport("shared")).toMatchObject({ outcome: "ok", added: 0, renewed: 3, unchanged: 17 });
    expect(await t.blocklists.runImport("tagged")).toMatchObject({ renewed: 3, unchanged: 17 });
    expect(sorted(t.spy.banned)).toEqual(sorted(gone));
    expect(await t.bannedIn("alpha")).toEqual(sorted([...addresses(20), ...addresses(20, 30), ...addresses(10, 100)]));
  });

  it("moves its bans when the source moves to another jail", async () => {
    t.server.route("/move", serveList(addresses(5).join("\n")));
    await t.add("move", "/move");
    await t.blocklists.runImport("move");
    await t.blocklists.edit("move", { jail: "beta" });
    expect(await t.blocklists.runImport("move")).toMatchObject({ added: 5, removed: 5 });
    expect(await t.bannedIn("alpha")).toEqual([]);
    expect(await t.bannedIn("beta")).toEqual(sorted(addresses(5)));
  });

  it("refuses a list over its maximum, or one that lost every entry, changing nothing", async () => {
    t.server.route("/limit", serveList(addresses(20).join("\n")));
    await t.add("limit", "/limit", { maxEntries: 20 });
    await t.blocklists.runImport("limit");
    t.spy.reset();
    t.server.route("/limit", serveList(addresses(21).join("\n")));
    expect(await t.blocklists.runImport("limit")).toMatchObject({ outcome: "failed", error: expect.stringMatching(/has 21 entries, over the maximum of 20/) });
    t.server.route("/limit", serveList("<html><body>Service Unavailable</body></html>\n"));
    expect(await t.blocklists.runImport("limit")).toMatchObject({ outcome: "failed", invalid: 1, error: expect.stringMatching(/without a single valid entry/) });
    expect(await t.bannedIn("alpha")).toEqual(sorted(addresses(20)));
    expect(t.spy.calls.filter((c) => c === "ban" || c === "unban")).toEqual([]);
  });

  it("unbans what it banned when removed, keeping what another list still holds", async () => {
    t.server.route("/gone", serveList(addresses(30).join("\n")));
    t.server.route("/stays", serveList(addresses(5).join("\n")));
    await t.add("gone", "/gone");
    await t.add("stays", "/stays");
    await t.blocklists.runImport("gone");
    await t.blocklists.runImport("stays");
    expect(await t.blocklists.remove("gone")).toEqual({ unbanned: 25 });
    expect(await t.bannedIn("alpha")).toEqual(sorted(addresses(5)));
    expect(t.blocklists.list().map((s) => s.source.name)).toEqual(["stays"]);
    expect(t.rows("stays").every((r) => r.owned === 1)).toBe(true);
  });

  it("keeps departed bans for the ban duration when told to, then lifts them", async () => {
    t.server.route("/keep", serveList(addresses(3).join("\n")));
    await t.add("keep", "/keep", { unbanDeparted: false, banMs: 60_000 });
    await t.blocklists.runImport("keep");
    t.server.route("/keep", serveList(addresses(1).join("\n")));
    expect(await t.blocklists.runImport("keep")).toMatchObject({ removed: 0 });
    expect(await t.bannedIn("alpha")).toEqual(sorted(addresses(3)));
    expect(await t.blocklists.expireDue(Date.now())).toBe(0);
    expect(await t.blocklists.expireDue(Date.now() + 61_000)).toBe(3);
    expect(await t.bannedIn("alpha")).toEqual([]);
  });

  it("bans again what is still listed after fail2ban's own ban ended", async () => {
    t.server.route("/renew", serveList(addresses(3).join("\n")));
    await t.add("renew", "/renew");
    await t.blocklists.runImport("renew");
    // As if the jail's bantime had passed: fail2ban lifted it, BanBot's record says when.
    await fail2ban().unban("alpha", ["203.0.113.1"]);
    t.bot.db.prepare("UPDATE blocklist_members SET f2b_until = 1 WHERE entry = '203.0.113.1'").run();
    t.spy.reset();
    expect(await t.blocklists.runImport("renew")).toMatchObject({ added: 0, renewed: 1, unchanged: 2 });
    expect(t.spy.banned).toEqual(["203.0.113.1"]);
    expect(await t.bannedIn("alpha")).toEqual(sorted(addresses(3)));
  });
});
