import { describe, expect, it } from "vitest";
import {
  discordCommandJson,
  discordLayout,
  discordOptionOrder,
  valuesFromDiscord,
} from "../../../src/adapters/discord/schema.js";
import { defineCommand, type OptionSpec } from "../../../src/core/command/model.js";
import { parseCommandLine } from "../../../src/core/command/parse.js";
import { CATALOGUE, ban, banned, idle, pathOf, status, tag, top } from "../../core/command/sample-commands.js";

function command(name: string, options: readonly OptionSpec[] = [], summary = `The ${name} command`) {
  return defineCommand({ path: pathOf(name), summary, examples: [], options, role: "viewer", effect: "read", run: () => Promise.resolve({ title: "ok", tone: "ok" }) });
}

const wordy = { name: "o", kind: "text", description: "e".repeat(100) } as const;

describe("discordCommandJson", () => {
  it("GIVEN a small catalogue THEN makes one /f2b command with a subcommand each", () => {
    expect(discordCommandJson([status, ban, idle, banned], { description: "Drive fail2ban" })).toEqual({
      type: 1,
      name: "f2b",
      description: "Drive fail2ban",
      options: [
        { type: 1, name: "status", description: "The status command", options: [] },
        {
          type: 1,
          name: "ban",
          description: "Ban addresses in a jail now",
          options: [
            { type: 3, name: "ips", description: "addresses to ban (several: separate with spaces)", required: true },
            { type: 3, name: "jail", description: "the jail", required: true, autocomplete: true },
            { type: 3, name: "duration", description: "lift the ban after this long", required: false },
          ],
        },
        {
          type: 1,
          name: "idle",
          description: "The idle command",
          options: [
            { type: 3, name: "jail", description: "the jail", required: true },
            {
              type: 3,
              name: "state",
              description: "on or off",
              required: true,
              choices: [
                { name: "on", value: "on" },
                { name: "off", value: "off" },
              ],
            },
          ],
        },
        {
          type: 1,
          name: "banned",
          description: "The banned command",
          options: [
            { type: 3, name: "jail", description: "the jail", required: true, autocomplete: true },
            { type: 4, name: "page", description: "page number", required: false, min_value: 1 },
            { type: 3, name: "search", description: "only addresses containing this", required: false },
            { type: 3, name: "after", description: "continue after this row", required: false },
          ],
        },
      ],
    });
  });

  it("GIVEN an optional option before a required one THEN puts the required one first", () => {
    expect(discordCommandJson([tag]).options[0]?.options?.map((o) => [o.name, o.required])).toEqual([
      ["jail", true],
      ["page", false],
      ["labels", false],
      ["count", false],
    ]);
  });

  it("GIVEN long descriptions THEN clips them to 100 characters with an ellipsis", () => {
    const long = "x".repeat(150);
    const json = discordCommandJson([
      command("long", [{ name: "ips", kind: "ip", multiple: true, description: long }], long),
    ]);
    const sub = json.options[0]!;
    expect(sub.description).toBe(`${"x".repeat(99)}…`);
    expect(sub.options?.[0]?.description).toBe(`${"x".repeat(67)}… (several: separate with spaces)`);
    expect(sub.options?.[0]?.description).toHaveLength(100);
  });

  it("GIVEN fleet mode THEN every command that runs on hosts takes an optional `on` last, with autocomplete; those of the front do not", () => {
    const front = defineCommand({ ...command("routes"), front: true });
    const json = discordCommandJson([ban, front], { fleet: true });
    expect(json.options[0]?.options?.map((o) => [o.name, o.required])).toEqual([
      ...discordOptionOrder(ban).map((o) => [o.name, o.required === true]),
      ["on", false],
    ]);
    expect(json.options[0]?.options?.at(-1)).toMatchObject({ type: 3, autocomplete: true });
    expect(json.options[1]?.options).toEqual([]);
    expect(discordCommandJson([ban]).options[0]?.options?.map((o) => o.name)).not.toContain("on");
    expect(() => discordCommandJson([command("clash", [{ name: "on", kind: "text", description: "d" }])], { fleet: true })).toThrow("has an option `on`");
    expect(() => discordCommandJson([command("full", Array.from({ length: 25 }, (_, i) => ({ name: `o${i}`, kind: "text", description: "d" }) as const))], { fleet: true })).toThrow(
      "over 25 options",
    );
  });

  it("GIVEN a catalogue over 4000 characters THEN clips the longest summaries, at a word's end, to the longest length that fits", () => {
    const summary = "Lift bans of addresses in one jail or in every jail, and say which were not banned at all there";
    const catalogue = Array.from({ length: 25 }, (_, i) => command(`c${i}`, [{ ...wordy, description: "e".repeat(60) }], summary));
    const json = discordCommandJson(catalogue, { fleet: true });
    const lengths = json.options.map((o) => o.description.length);
    expect(Math.max(...lengths)).toBeLessThan(summary.length);
    expect(json.options[0]?.description).toMatch(/^Lift bans of addresses[\w ,]*\w…$/);
    // The option descriptions are left whole.
    expect(json.options[0]?.options?.[0]?.description).toBe("e".repeat(60));
  });

  it.each([
    ["an upper-case command name", [command("Ban")], "`Ban` cannot be a Discord name"],
    ["a name with a space", [command("reload all")], "`reload all` cannot be a Discord name"],
    ["a 33-character name", [command("x".repeat(33))], "cannot be a Discord name"],
    ["an empty summary", [command("empty", [], " ")], "needs a description"],
    ["26 options", [command("wide", Array.from({ length: 26 }, (_, i) => ({ name: `o${i}`, kind: "text", description: "d" }) as const))], "over 25 options"],
    ["26 enum values", [command("many", [{ name: "v", kind: "enum", values: Array.from({ length: 26 }, (_, i) => `v${i}`), description: "d" }])], "at most 25 values"],
    ["an enum with autocomplete", [command("auto", [{ name: "v", kind: "enum", values: ["a"], autocomplete: "jails", description: "d" }])], "no autocomplete"],
    ["over 4000 characters", Array.from({ length: 20 }, (_, i) => command(`c${i}`, [wordy, { ...wordy, name: "p" }], "d".repeat(100))), "4000 characters"],
  ])("GIVEN %s THEN refuses to build it", (_, catalogue, message) => {
    expect(() => discordCommandJson(catalogue)).toThrow(message);
  });
});

describe("discordLayout", () => {
  const filler = Array.from({ length: 21 }, (_, i) => command(`cmd${i}`));

  it("GIVEN 25 commands or fewer THEN keeps them flat", () => {
    expect(discordLayout([status, ban]).map(({ group, subcommand }) => [group, subcommand])).toEqual([
      [undefined, "status"],
      [undefined, "ban"],
    ]);
  });

  it("GIVEN more than 25 THEN groups hyphenated commands sharing a first word", () => {
    const catalogue = [...filler, command("blocklist-add"), command("blocklist-remove"), command("unban"), command("unban-all"), command("reload-all")];
    expect(discordLayout(catalogue).slice(21).map(({ group, subcommand }) => [group, subcommand])).toEqual([
      ["blocklist", "add"],
      ["blocklist", "remove"],
      [undefined, "unban"],
      [undefined, "unban-all"],
      [undefined, "reload-all"],
    ]);
    const json = discordCommandJson(catalogue);
    expect(json.options).toHaveLength(25);
    expect(json.options[21]).toEqual({
      type: 2,
      name: "blocklist",
      description: "blocklist commands",
      options: [
        { type: 1, name: "add", description: "The blocklist-add command", options: [] },
        { type: 1, name: "remove", description: "The blocklist-remove command", options: [] },
      ],
    });
  });

  it("GIVEN more than 25 that cannot be grouped THEN explains what to change", () => {
    const catalogue = [...filler, ...["a", "b", "c", "d", "e"].map((n) => command(n))];
    expect(() => discordLayout(catalogue)).toThrow(/Discord allows 25 subcommands .* needs 26/);
  });
});

describe("discordOptionOrder", () => {
  it("GIVEN mixed options THEN lists required ones first, each group in definition order", () => {
    expect(discordOptionOrder(tag).map((o) => o.name)).toEqual(["jail", "page", "labels", "count"]);
  });
});

describe("valuesFromDiscord", () => {
  it.each([
    ["ban 192.0.2.1 2001:db8::1 sshd for 2h", ban, [{ name: "jail", value: "sshd" }, { name: "ips", value: "192.0.2.1, 2001:db8::1" }, { name: "duration", value: "2h" }]],
    ["banned sshd --search=5", banned, [{ name: "jail", value: "sshd" }, { name: "search", value: "5" }]],
    ['banned sshd 3 "a b"', banned, [{ name: "jail", value: "sshd" }, { name: "page", value: 3 }, { name: "search", value: "a b" }]],
    ["idle sshd off", idle, [{ name: "state", value: "off" }, { name: "jail", value: "sshd" }]],
    ["top ips --jail=30m", top, [{ name: "what", value: "ips" }, { name: "jail", value: "30m" }]],
    ["ban --ips=192.0.2.300 sshd", ban, [{ name: "jail", value: "sshd" }, { name: "ips", value: "192.0.2.300" }]],
  ])("writes %j for the text parser", (line, command, options) => {
    expect(valuesFromDiscord(command, options)).toBe(line);
  });

  it("GIVEN an invalid address THEN the parser reports it against its option", () => {
    const line = valuesFromDiscord(ban, [{ name: "jail", value: "sshd" }, { name: "ips", value: "192.0.2.300" }]);
    expect(() => parseCommandLine(CATALOGUE, line)).toThrow("“192.0.2.300” is not an IP address.");
  });

  it("GIVEN options in Discord's order THEN the parser gets the same values as from text", () => {
    const line = valuesFromDiscord(tag, [{ name: "jail", value: "sshd" }, { name: "labels", value: "red 7" }, { name: "count", value: 2 }]);
    expect(parseCommandLine(CATALOGUE, line).values).toEqual({ jail: "sshd", labels: ["red", "7"], count: 2 });
  });

  it("GIVEN an option the definition lacks THEN says to register again", () => {
    expect(() => valuesFromDiscord(ban, [{ name: "reason", value: "x" }])).toThrow("`ban` has no option `reason`; BanBot's Discord commands may need registering again.");
  });
});
