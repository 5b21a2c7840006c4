import { describe, expect, it } from "vitest";
import { findCommand, nearMiss, parseCommandLine, suggest, usageOf } from "../../../src/core/command/parse.js";
import { isUserError } from "../../../src/core/errors.js";
import { CATALOGUE, audit, ban, banned, history, idle, ignore, note, status, tag, top, unban } from "./sample-commands.js";

const H = 3_600_000;

function parseError(line: string): string {
  try {
    parseCommandLine(CATALOGUE, line);
  } catch (err) {
    expect(isUserError(err, "invalid_argument")).toBe(true);
    return (err as Error).message;
  }
  throw new Error(`expected ${line} to be refused`);
}

describe("parseCommandLine", () => {
  it.each([
    ["ban 192.0.2.1 2001:db8::1 sshd for 2h", ban, { ips: ["192.0.2.1", "2001:db8::1"], jail: "sshd", duration: 2 * H }],
    ["BAN 192.0.2.1 sshd FOR 1h30m", ban, { ips: ["192.0.2.1"], jail: "sshd", duration: 1.5 * H }],
    // Given twice, in two spellings: one address.
    ["ban 192.0.2.1 2001:db8::1 192.0.2.1 2001:DB8:0::1 sshd", ban, { ips: ["192.0.2.1", "2001:db8::1"], jail: "sshd" }],
    ["ban for 2h 192.0.2.1 sshd", ban, { ips: ["192.0.2.1"], jail: "sshd", duration: 2 * H }],
    ["ban 2001:DB8:0:0::1 sshd", ban, { ips: ["2001:db8::1"], jail: "sshd" }],
    ["ban --ips=192.0.2.1,192.0.2.2 sshd", ban, { ips: ["192.0.2.1", "192.0.2.2"], jail: "sshd" }],
    ["status", status, {}],
    ["banned sshd", banned, { jail: "sshd" }],
    ["banned sshd 2", banned, { jail: "sshd", page: 2 }],
    ["banned sshd foo", banned, { jail: "sshd", search: "foo" }],
    ['banned sshd "203.0.113"', banned, { jail: "sshd", search: "203.0.113" }],
    ["banned sshd 2 203.0.113", banned, { jail: "sshd", page: 2, search: "203.0.113" }],
    ["banned sshd 0", banned, { jail: "sshd", search: "0" }],
    ["banned sshd --search=5", banned, { jail: "sshd", search: "5" }],
    ['banned sshd --search="two words" after x', banned, { jail: "sshd", search: "two words", after: "x" }],
    ['banned sshd "after"', banned, { jail: "sshd", search: "after" }],
    ["idle sshd ON", idle, { jail: "sshd", state: "on" }],
    ["unban 192.0.2.1", unban, { ip: "192.0.2.1" }],
    ["top countries sshd", top, { what: "countries", jail: "sshd" }],
    ["top ips 7d sshd", top, { what: "ips", since: 7 * 24 * H, jail: "sshd" }],
    ["history 7d", history, { since: 7 * 24 * H }],
    ["history ::ffff:192.0.2.1 sshd", history, { ip: "192.0.2.1", jail: "sshd" }],
    ["history 3proxy", history, { jail: "3proxy" }],
    ["audit U01ADMIN 7d", audit, { user: "U01ADMIN", since: 7 * 24 * H }],
    ["audit 7d U01ADMIN", audit, { user: "U01ADMIN", since: 7 * 24 * H }],
    ["ignore sshd add 10.0.0.0/8 2001:DB8::/32 192.0.2.1/32", ignore, { jail: "sshd", change: "add", entries: ["10.0.0.0/8", "2001:db8::/32", "192.0.2.1"] }],
    ["ignore sshd 192.0.2.1", ignore, { jail: "sshd", entries: ["192.0.2.1"] }],
    ["note sshd limit 5 hello   world for now", note, { jail: "sshd", limit: 5, text: "hello world for now" }],
    ['note sshd "limit" 5', note, { jail: "sshd", text: "limit 5" }],
    ["tag sshd red blue 3", tag, { jail: "sshd", labels: ["red", "blue", "3"] }],
    ["tag 2 sshd red --count=3", tag, { page: 2, jail: "sshd", labels: ["red"], count: 3 }],
  ])("GIVEN %j THEN reads its values", (line, command, values) => {
    expect(parseCommandLine(CATALOGUE, line)).toEqual({ command, values });
  });

  it.each([
    ["unban-all all --confirm=abc123_XYZ-9", "abc123_XYZ-9"],
    ["--confirm=abcdef unban-all all", "abcdef"],
  ])("GIVEN %j THEN takes the confirmation token %j out of the line", (line, token) => {
    expect(parseCommandLine(CATALOGUE, line)).toMatchObject({ values: { jail: "all" }, confirmToken: token });
  });

  it.each([
    ["stauts", "Unknown command `stauts`. Did you mean `status`? Type `help` for the list."],
    ["bna 192.0.2.1", "Unknown command `bna`. Did you mean `ban`? Type `help` for the list."],
    ["xyzzy", "Unknown command `xyzzy`. Type `help` for the list."],
    ["ba`n", "Unknown command `ba'n`. Did you mean `ban`? Type `help` for the list."],
    ["", "No command given. Type `help` for the list."],
    ["  --confirm=abcdef ", "No command given. Type `help` for the list."],
    ["ban", "`ban` needs an ip: ban <ip>… <jail> [for <duration>]"],
    ["ban 192.0.2.1", "`ban` needs a jail: ban <ip>… <jail> [for <duration>]"],
    ["idle sshd", "`idle` needs on or off: idle <jail> on|off"],
    ["ban sshd 192.0.2.1", "“sshd” is not an IP address."],
    ["ban 192.0.2.300 sshd", "“192.0.2.300” is not an IP address."],
    // An optional address that does not parse is an error there, not a jail named 999.9.9.9.
    ["history 999.9.9.9", "“999.9.9.9” is not an IP address."],
    ["history 192.0.2 7d", "“192.0.2” is not an IP address."],
    ["history 2001:db8::zz", "“2001:db8::zz” is not an IP address."],
    ["ignore sshd add 10.0.0.0/33", "“10.0.0.0/33” is not an IP address or CIDR network."],
    ["ban 192.0.2.1 ss!hd", "“ss!hd” is not a valid jail name."],
    ["ban 192.0.2.1 sshd for", "`for` expects a duration like 30m, 2h, 7d."],
    ["ban 192.0.2.1 sshd for 0m", "`for` needs a duration longer than 0m."],
    // A zero duration is one too short, not a jail named 0d.
    ["top ips 0d", "`since` needs a duration longer than 0d."],
    ["ban 192.0.2.1 sshd for soon", "`for` expects a duration like 30m, 2h, 7d."],
    ["ban 192.0.2.1 sshd for 2h for 3h", "`for` is given twice."],
    // A word in a list of addresses that is none: it, not the address after it, is the mistake.
    ["ban 192.0.2.1 typo 192.0.2.2 sshd", "“typo” is not an IP address, so `ban` took it for the jail and has “192.0.2.2” left over: ban <ip>… <jail> [for <duration>]"],
    ["ban 192.0.2.1 sshd --jail=ftp", "`--jail` is given twice."],
    ["ban --ips= sshd", "`ips` expects an IP address."],
    ["top ips 7d sshd 3", "`top` does not take “3”: top ips|countries|jails|asns [since] [jail]"],
    ["top planets", "`top` expects ips, countries, jails or asns."],
    ["idle sshd maybe", "`idle` expects on or off."],
    ["unban 192.0.2.1 sshd extra", "`unban` does not take “extra”: unban <ip> [jail]"],
    ["note sshd limit 51 x", "`limit` expects a whole number from 1 to 50."],
    ["note sshd limit", "`limit` expects a whole number from 1 to 50."],
    ["banned sshd --page=0", "`page` expects a whole number from 1."],
    ["banned sshd --colour=red", "`banned` has no option `colour`: banned <jail> [page] [search] [after <after>]"],
    ["banned sshd 'open", "A quote is never closed: “'open”."],
    ["unban-all all --confirm=short", "That confirmation is not valid; run the command again."],
    ["unban-all all --confirm=abcdef --confirm=abcdef", "That confirmation is not valid; run the command again."],
  ])("GIVEN %j THEN refuses with %j", (line, message) => {
    expect(parseError(line)).toBe(message);
  });

  it("GIVEN a very long bad token THEN keeps the message short", () => {
    const junk = "x".repeat(5000);
    for (const line of [junk, `ban ${junk} sshd`, `ban 192.0.2.1 ${junk}`, `unban 192.0.2.1 sshd ${junk}`, `banned sshd --${junk}=1`]) {
      expect(parseError(line).length).toBeLessThanOrEqual(200);
    }
  });
});

describe("usageOf", () => {
  it.each([
    ["ban <ip>… <jail> [for <duration>]", ban],
    ["banned <jail> [page] [search] [after <after>]", banned],
    ["idle <jail> on|off", idle],
    ["unban <ip> [jail]", unban],
    ["top ips|countries|jails|asns [since] [jail]", top],
    ["ignore <jail> [add|del] [entry…]", ignore],
    ["note <jail> [limit <limit>] [text…]", note],
    ["tag [page] <jail> [label…] [count]", tag],
    ["status", status],
  ])("writes %j from the definition", (usage, command) => {
    expect(usageOf(command)).toBe(usage);
  });
});

describe("suggest", () => {
  const names = ["status", "stats", "ban", "banned", "unban", "jail", "jails", "ignore"];
  it.each([
    ["stauts", "status"],
    ["STATSU", "status"],
    ["bna", "ban"],
    ["banend", "banned"],
    ["jial", "jail"],
    ["ign", "ignore"],
    ["unb", "unban"],
    ["xy", undefined],
    ["q", undefined],
    ["", undefined],
    ["zzzzzz", undefined],
  ])("GIVEN %j THEN suggests %j", (word, expected) => {
    expect(suggest(word, names)).toBe(expected);
  });
});

describe("nearMiss", () => {
  const since = { name: "since", kind: "duration", description: "" } as const;
  it.each([
    ["7x", "7d"],
    ["24hr", "24h"],
    ["3days", "3d"],
    ["90D", undefined],
    ["sshd", undefined],
    ["3proxy", undefined],
  ])("GIVEN %j for a duration THEN suggests %j", (word, expected) => {
    expect(nearMiss(since, word)).toBe(expected);
  });

  it("GIVEN another kind THEN suggests nothing", () => {
    expect(nearMiss({ name: "jail", kind: "jail", description: "" }, "7x")).toBeUndefined();
  });
});

describe("findCommand", () => {
  it("GIVEN a name in any case THEN returns its definition", () => {
    expect(findCommand(CATALOGUE, "Banned")).toBe(banned);
  });

  it("GIVEN an unknown name THEN throws a UserError with a suggestion", () => {
    expect(() => findCommand(CATALOGUE, "baned")).toThrow("Unknown command `baned`. Did you mean `banned`? Type `help` for the list.");
  });
});
