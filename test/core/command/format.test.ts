import { describe, expect, it } from "vitest";
import { formatCommandLine, formatRawLine } from "../../../src/core/command/format.js";
import { durationToken } from "../../../src/core/command/kinds.js";
import type { CommandDef, OptionSpec } from "../../../src/core/command/model.js";
import { parseCommandLine } from "../../../src/core/command/parse.js";
import { CATALOGUE, audit, ban, banned, idle, ignore, note, status, tag, top, unban } from "./sample-commands.js";

const H = 3_600_000;

describe("formatCommandLine", () => {
  it.each([
    ["status", status, {}],
    ["ban 192.0.2.1 2001:db8::1 sshd for 2h", ban, { ips: ["192.0.2.1", "2001:db8::1"], jail: "sshd", duration: 2 * H }],
    ["ban 192.0.2.1 sshd for 1h30m", ban, { ips: ["192.0.2.1"], jail: "sshd", duration: 90 * 60_000 }],
    ["banned sshd 2 203.0.113", banned, { jail: "sshd", page: 2, search: "203.0.113" }],
    ['banned sshd "two words"', banned, { jail: "sshd", search: "two words" }],
    ["banned sshd --search=5", banned, { jail: "sshd", search: "5" }],
    ['banned sshd "after"', banned, { jail: "sshd", search: "after" }],
    ['banned sshd "--x=y"', banned, { jail: "sshd", search: "--x=y" }],
    ["banned sshd 'say \"hi\" now'", banned, { jail: "sshd", search: 'say "hi" now' }],
    ['banned sshd after "row 7"', banned, { jail: "sshd", after: "row 7" }],
    ["idle sshd off", idle, { jail: "sshd", state: "off" }],
    ["unban 192.0.2.1", unban, { ip: "192.0.2.1" }],
    ["top jails sshd", top, { what: "jails", jail: "sshd" }],
    ["top jails --jail=7d", top, { what: "jails", jail: "7d" }],
    ["audit 1d U01ADMIN", audit, { since: 24 * H, user: "U01ADMIN" }],
    ["ignore sshd 10.0.0.0/8 192.0.2.1", ignore, { jail: "sshd", entries: ["10.0.0.0/8", "192.0.2.1"] }],
    ["note sshd limit 3 hello world", note, { jail: "sshd", limit: 3, text: "hello world" }],
    ['note sshd "limit reached"', note, { jail: "sshd", text: "limit reached" }],
    ["note sshd \"'quoted' start\"", note, { jail: "sshd", text: "'quoted' start" }],
    ["tag 2 sshd red blue --count=3", tag, { page: 2, jail: "sshd", labels: ["red", "blue"], count: 3 }],
    ["tag sshd --labels=7", tag, { jail: "sshd", labels: ["7"] }],
  ])("writes %j", (line, command, values) => {
    expect(formatCommandLine(command, values)).toBe(line);
  });
});

describe("formatRawLine", () => {
  it("GIVEN a value its option rejects THEN names the option so the parser blames the right one", () => {
    const line = formatRawLine(top, new Map([["what", ["ips"]], ["since", ["soon"]]]));
    expect(line).toBe("top ips --since=soon");
    expect(() => parseCommandLine(CATALOGUE, line)).toThrow("`since` expects a duration like 30m, 2h, 7d.");
  });
});

describe("durationToken", () => {
  it.each([
    [500, "500ms"],
    [1000, "1s"],
    [90 * 60_000, "1h30m"],
    [2 * H, "2h"],
    [7 * 24 * H, "7d"],
    [10 * 24 * H + 1, "10d1ms"],
    [0, "0s"],
  ])("GIVEN %d ms THEN writes %j", (ms, text) => {
    expect(durationToken(ms)).toBe(text);
  });
});

// Sample values per kind, chosen to collide: words that are keywords, numbers a text option would
// also take, jail names that look like durations, text that needs quoting.
function samples(spec: OptionSpec): unknown[] {
  switch (spec.kind) {
    case "ip":
      return spec.multiple ? [["192.0.2.1"], ["192.0.2.1", "2001:db8::1"]] : ["192.0.2.1", "2001:db8::1"];
    case "ip-or-cidr":
      return [["10.0.0.0/8"], ["192.0.2.1", "2001:db8::/32"]];
    case "jail":
      return ["sshd", "7d", "after", "limit"];
    case "duration":
      return [1000, 90 * 60_000, 7 * 24 * H + 500];
    case "int":
      return [1, 12];
    case "enum":
      return [...spec.values];
    case "text":
      if (spec.rest) return ["hello world", "limit 5", "after x", "'quoted' start", "it's fine", "5"];
      if (spec.multiple) return [["red"], ["red", "7"], ["two words", "after"]];
      return ["foo", "5", "7d", "a b", "it's", 'say "hi"', "--x=y", "after", "sshd", "192.0.2.1"];
  }
}

function* valueSets(command: CommandDef): Generator<Record<string, unknown>> {
  let sets: Record<string, unknown>[] = [{}];
  for (const spec of command.options) {
    const choices = [...samples(spec), ...(spec.required ? [] : [undefined])];
    sets = sets.flatMap((set) => choices.map((v) => (v === undefined ? set : { ...set, [spec.name]: v })));
  }
  yield* sets;
}

describe("formatCommandLine round trip", () => {
  it.each(CATALOGUE.map((c) => [c.name, c] as const))("GIVEN any values of `%s` THEN parsing the line gives them back", (_, command) => {
    let checked = 0;
    for (const values of valueSets(command)) {
      const line = formatCommandLine(command, values);
      const parsed = parseCommandLine(CATALOGUE, line);
      expect({ line, command: parsed.command.name, values: parsed.values }).toEqual({ line, command: command.name, values });
      expect(formatCommandLine(parsed.command, parsed.values)).toBe(line);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
});
