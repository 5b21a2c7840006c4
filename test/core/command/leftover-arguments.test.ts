import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../../commands/index.js";
import { formatCommandLine } from "../../../src/core/command/format.js";
import { parseCommandLine } from "../../../src/core/command/parse.js";

// Every command reads its line through the one parser: a word that fits no slot is named in the
// error, and a slip meant for an option passed over is not taken as free text.
describe("arguments that fit no slot, over the real catalogue", () => {
  it.each([
    ["banned alpha foo bar", "`banned` does not take “bar” (`page` expects a whole number from 1): banned <jail> [page] [search]"],
    ["audit U01ADMIN 7x", "`audit` does not take “7x” (`since` expects a duration like 30m, 2h, 7d): audit [since] [user]. Did you mean `7d`?"],
    ["audit 7d U01ADMIN extra", "`audit` does not take “extra”: audit [since] [user]"],
    ["stats 24h alpha beta", "`stats` does not take “beta”: stats [since] [jail]"],
    ["top ips 7d alpha extra", "`top` does not take “extra”: top ips|countries|jails|asns [since] [jail]"],
    ["jails everything", "`jails` does not take “everything”: jails"],
    ["ban 192.0.2.1 alpha extra", "`ban` does not take “extra”: ban <ip>… <jail> [for <duration>]"],
  ])("GIVEN %s THEN names the word left over", (line, message) => {
    expect(() => parseCommandLine(COMMANDS, line)).toThrow(message);
  });

  it.each([
    ["audit 7x", "“7x” is not a duration like 30m, 2h, 7d. Did you mean `7d`?"],
    ["audit 2hrs", "“2hrs” is not a duration like 30m, 2h, 7d. Did you mean `2h`?"],
  ])("GIVEN %s THEN refuses the slip instead of reading it as free text", (line, message) => {
    expect(() => parseCommandLine(COMMANDS, line)).toThrow(message);
  });

  it.each([
    ["audit U01ADMIN", { user: "U01ADMIN" }],
    ["audit U01ADMIN 7d", { user: "U01ADMIN", since: 7 * 86_400_000 }],
    ["banned alpha 2 203.0.113", { jail: "alpha", page: 2, search: "203.0.113" }],
    ["banned alpha 7x", { jail: "alpha", search: "7x" }],
  ])("GIVEN %s THEN still reads what fits", (line, values) => {
    expect(parseCommandLine(COMMANDS, line).values).toEqual(values);
  });
});

describe("the line a button re-runs", () => {
  it("names a free-text value that the parser would take for a slip, so it parses back", () => {
    const audit = COMMANDS.find((c) => c.name === "audit")!;
    const line = formatCommandLine(audit, { user: "7x", after: 5 });
    expect(line).toBe("audit --user=7x after 5");
    expect(parseCommandLine(COMMANDS, line).values).toEqual({ user: "7x", after: 5 });
  });
});
