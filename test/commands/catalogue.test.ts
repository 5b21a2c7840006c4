import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../commands/index.js";
import { discordCommandJson } from "../../src/adapters/discord/schema.js";
import { formatCommandLine } from "../../src/core/command/format.js";
import { parseCommandLine } from "../../src/core/command/parse.js";

describe("the command catalogue", () => {
  it("has unique names and every example parses and formats back to itself", () => {
    expect(new Set(COMMANDS.map((c) => c.name)).size).toBe(COMMANDS.length);
    for (const command of COMMANDS) {
      for (const example of command.examples) {
        const parsed = parseCommandLine(COMMANDS, example);
        expect(parsed.command.name).toBe(command.name);
        expect(parseCommandLine(COMMANDS, formatCommandLine(parsed.command, parsed.values)).values).toEqual(parsed.values);
      }
    }
  });

  it("fits Discord's limits and leaves button-only commands and options out", () => {
    // The generator throws when a Discord limit (names, 25 options, 4000 characters…) is exceeded.
    const json = discordCommandJson(COMMANDS);
    const names = json.options.map((o) => o.name);
    expect(names).toContain("ban");
    expect(names).not.toContain("cancel");
    const banned = json.options.find((o) => o.name === "banned");
    expect(banned?.options?.map((o) => o.name)).toEqual(["jail", "page", "search"]);
  });

  it("makes every change audited and every destructive command admin-only", () => {
    for (const command of COMMANDS) {
      if (command.effect === "destructive") expect(command.role, command.name).toBe("admin");
      if (command.role !== "viewer" && !command.internal) expect(command.effect, command.name).not.toBe("read");
    }
  });
});
