import { describe, expect, it } from "vitest";
import { defineCommand, type OptionSpec } from "../../../src/core/command/model.js";
import { parseCommandLine } from "../../../src/core/command/parse.js";
import { pathOf } from "./sample-commands.js";

// `word sub …` may be typed for a command named `word-sub` (Discord shows those as a group).
const ok = () => Promise.resolve({ title: "ok", tone: "ok" as const });
const command = <const O extends readonly OptionSpec[]>(name: string, options: O) =>
  defineCommand({ path: pathOf(name), summary: name, examples: [], options, role: "viewer", effect: "read", run: ok });

const listAdd = command("list-add", [
  { name: "name", kind: "text", required: true, description: "name" },
  { name: "url", kind: "text", required: true, description: "url" },
]);
const listRemove = command("list-remove", [{ name: "name", kind: "text", required: true, description: "name" }]);
const lists = command("lists", [{ name: "name", kind: "text", description: "name" }]);
const unban = command("unban", [{ name: "ip", kind: "ip", required: true, description: "ip" }]);
const unbanAll = command("unban-all", [{ name: "jail", kind: "jail", required: true, description: "jail" }]);
const CATALOGUE = [listAdd, listRemove, lists, unban, unbanAll];

describe("parseCommandLine with two-word command names", () => {
  it.each([
    ["list add drop https://x.example/a", listAdd, { name: "drop", url: "https://x.example/a" }],
    ["LIST ADD drop https://x.example/a", listAdd, { name: "drop", url: "https://x.example/a" }],
    ["list-add drop https://x.example/a", listAdd, { name: "drop", url: "https://x.example/a" }],
    ["list remove drop", listRemove, { name: "drop" }],
    ["unban all sshd", unbanAll, { jail: "sshd" }],
    ["unban 192.0.2.1", unban, { ip: "192.0.2.1" }],
    ["lists add", lists, { name: "add" }],
  ])("GIVEN %j THEN runs %s", (line, expected, values) => {
    expect(parseCommandLine(CATALOGUE, line)).toEqual({ command: expected, values });
  });

  it("keeps the confirmation token wherever it is", () => {
    expect(parseCommandLine(CATALOGUE, "--confirm=abcdef list remove drop")).toEqual({ command: listRemove, values: { name: "drop" }, confirmToken: "abcdef" });
  });

  it("does not join a quoted second word", () => {
    expect(() => parseCommandLine(CATALOGUE, 'list "add" drop')).toThrow(/`list` needs one of add or remove, e\.g\. `list add`\. Did you mean `lists`\?/);
  });

  it("names the subcommands of a word that is only a group", () => {
    expect(() => parseCommandLine(CATALOGUE, "list drop")).toThrow(/`list` needs one of add or remove/);
  });
});
