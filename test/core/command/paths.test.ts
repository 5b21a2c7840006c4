import { describe, expect, it } from "vitest";
import { discordLayout } from "../../../src/adapters/discord/schema.js";
import { defineCommand, type CommandSpec } from "../../../src/core/command/model.js";
import { commandOfLine, parseCommandLine } from "../../../src/core/command/parse.js";
import { help } from "../../../commands/help.js";
import { CONSOLE_IDENTITY } from "../../../src/core/identity.js";

// A command's words are the path its definition declares, never guessed from hyphens in its name:
// `["ignore-list"]` is one word, `["ignore", "add"]` two.
const ok = () => Promise.resolve({ title: "ok", tone: "ok" as const });
const command = (path: CommandSpec["path"], options: CommandSpec["options"] = []) =>
  defineCommand({ path, summary: `The ${path.join(" ")} command`, examples: [], options, role: "viewer", effect: "read", run: ok });

const ignore = command(["ignore"], [{ name: "what", kind: "text", rest: true, description: "anything" }]);
const ignoreList = command(["ignore-list"]);
const listAdd = command(["list", "add"], [{ name: "name", kind: "text", required: true, description: "name" }]);
const listDrop = command(["list", "drop"]);
const CATALOGUE = [ignore, ignoreList, listAdd, listDrop];

describe("declared command paths", () => {
  it("name each command by its path's words joined", () => {
    expect(CATALOGUE.map((c) => c.name)).toEqual(["ignore", "ignore-list", "list-add", "list-drop"]);
  });

  it.each([
    ["list add x", listAdd, { name: "x" }],
    ["list-add x", listAdd, { name: "x" }],
    ["ignore-list", ignoreList, {}],
    // A hyphenated one-word path is not two words: `ignore list` is `ignore` with the text "list".
    ["ignore list", ignore, { what: "list" }],
  ])("GIVEN %j THEN the parser runs %s", (line, expected, values) => {
    expect(parseCommandLine(CATALOGUE, line)).toEqual({ command: expected, values });
    expect(commandOfLine(CATALOGUE, line)).toBe(expected);
  });

  it("name nothing for a line that starts with no command", () => {
    expect(commandOfLine(CATALOGUE, "nothing here")).toBeUndefined();
    expect(commandOfLine(CATALOGUE, 'list "unterminated')).toBeUndefined();
  });

  it("list a first word's commands in help", async () => {
    const reply = await help.run({ command: "list" }, { catalogue: CATALOGUE, actor: CONSOLE_IDENTITY });
    expect(reply.table?.rows.map((r) => r[0])).toEqual(["`list add <name>`", "`list drop`"]);
  });

  it("group Discord subcommands by path, not by hyphens", () => {
    const filler = Array.from({ length: 20 }, (_, i) => command([`cmd${i}`]));
    const layout = discordLayout([...filler, command(["other-a"]), command(["other-b"]), ...CATALOGUE]).slice(20);
    expect(layout.map(({ group, subcommand }) => [group, subcommand])).toEqual([
      [undefined, "other-a"],
      [undefined, "other-b"],
      [undefined, "ignore"],
      [undefined, "ignore-list"],
      ["list", "add"],
      ["list", "drop"],
    ]);
  });
});
