import { describe, expect, it } from "vitest";
import { findCommand, renderCommandHelp, renderHelp } from "../../../src/core/command/help.js";
import { defineCommand } from "../../../src/core/command/model.js";
import { ban, banned, note, status, unbanAll } from "./sample-commands.js";

describe("renderHelp", () => {
  it("GIVEN a catalogue THEN lists usage, summary and role in the given order", () => {
    expect(renderHelp([status, ban])).toEqual({
      title: "BanBot commands",
      tone: "info",
      text: "Type `help <command>` for its options and examples.",
      table: {
        columns: ["Command", "What it does", "Role"],
        rows: [
          ["`status`", "The status command", "viewer"],
          ["`ban <ip>… <jail> [for <duration>]`", "Ban addresses in a jail now", "operator"],
        ],
      },
    });
  });

  it("GIVEN the asker's role THEN marks the commands it does not reach", () => {
    const reply = renderHelp([status, ban, unbanAll], "operator");
    expect(reply.table?.rows.map((r) => r[2])).toEqual(["viewer", "operator", "🔒 admin"]);
    expect(reply.notes).toEqual(["You are an operator; 🔒 marks commands that need a higher role."]);
  });

  it("GIVEN an admin THEN marks nothing", () => {
    const reply = renderHelp([status, ban, unbanAll], "admin");
    expect(reply.table?.rows.map((r) => r[2])).toEqual(["viewer", "operator", "admin"]);
    expect(reply.notes).toBeUndefined();
  });
});

describe("renderCommandHelp", () => {
  it("GIVEN a command with options and examples THEN shows usage, role, examples and each option", () => {
    expect(renderCommandHelp(ban)).toEqual({
      title: "Help: ban",
      tone: "info",
      text: "Ban addresses in a jail now",
      fields: [
        { label: "Usage", value: "`ban <ip>… <jail> [for <duration>]`" },
        { label: "Role", value: "operator" },
        { label: "Examples", value: "`ban 192.0.2.1 sshd`\n`ban 192.0.2.1 sshd for 2h`" },
      ],
      table: {
        columns: ["Option", "Takes", "Description"],
        rows: [
          ["ips", "an IP address, or several", "addresses to ban"],
          ["jail", "a jail name", "the jail"],
          ["duration (optional)", "a duration like 30m, 2h, 7d, after `for`", "lift the ban after this long"],
        ],
      },
    });
  });

  it.each([
    ["banned", banned, ["a jail name", "a whole number from 1", "some text", "some text, after `after`"]],
    ["note", note, ["a jail name", "a whole number from 1 to 50, after `limit`", "the rest of the line"]],
  ])("GIVEN `%s` THEN describes what each option takes", (_, command, takes) => {
    expect(renderCommandHelp(command).table?.rows.map((r) => r[1])).toEqual(takes);
  });

  it("GIVEN a destructive command without options THEN says it asks first and has no option table", () => {
    const reloadAll = defineCommand({
      path: ["reload", "all"],
      summary: "Reload every jail",
      examples: [],
      options: [],
      role: "admin",
      effect: "destructive",
      run: () => Promise.resolve({ title: "ok", tone: "ok" }),
    });
    expect(renderCommandHelp(reloadAll)).toEqual({
      title: "Help: reload all",
      tone: "info",
      text: "Reload every jail",
      fields: [
        { label: "Usage", value: "`reload all`" },
        { label: "Role", value: "admin (asks for confirmation first)" },
      ],
    });
  });
});

describe("findCommand", () => {
  it("is the parser's lookup, for `help <command>`", () => {
    expect(findCommand([status, ban], "BAN")).toBe(ban);
    expect(() => findCommand([status, ban], "statsu")).toThrow("Did you mean `status`?");
  });
});
