import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfigDump } from "../../../src/core/fail2ban/config-dump.js";
import { parsePythonLiteral } from "../../../src/core/fail2ban/python-literal.js";

describe("parsePythonLiteral", () => {
  it.each([
    ["['set', 'sshd', 'maxretry', 5]", ["set", "sshd", "maxretry", 5]],
    ["['set', 'x', 'ignoreself', False]", ["set", "x", "ignoreself", false]],
    [`["it's", 'a "b"', 'tab\\there', 'caf\\xe9', '\\u2028', '\\\\']`, ["it's", 'a "b"', "tab\there", "café", "\u2028", "\\"]],
    ["(1,)", [1]],
    ["[[], (), {}, None, -1.5, 1e-05]", [[], [], {}, null, -1.5, 1e-5]],
    ["{'a': [1, 2], 3: 'c',}", { a: [1, 2], "3": "c" }],
  ])("reads %s", (text, value) => {
    expect(parsePythonLiteral(text)).toEqual(value);
  });

  it.each([["['unterminated]"], ["[1 2]"], ["__import__('os')"], ["['a'] extra"], ["'\\q'"]])("refuses %s", (text) => {
    expect(() => parsePythonLiteral(text)).toThrow(SyntaxError);
  });

  it("keeps a __proto__ key as data", () => {
    const value = parsePythonLiteral("{'__proto__': 1}") as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(value)).toBeNull();
  });
});

describe("parseConfigDump", () => {
  it("reads the jails Debian's stock configuration enables, with their actions", () => {
    const dump = readFileSync(join(import.meta.dirname, "../../fixtures/fail2ban/dumps/debian-bookworm-1.0.2.txt"), "utf8");
    expect(parseConfigDump(dump)).toEqual([{ name: "sshd", actions: [{ name: "iptables-multiport" }] }]);
  });

  it("reads a Python action's file and options, and leaves out jails the stream does not start", () => {
    const dump = [
      "['add', 'alpha', 'polling']",
      "['set', 'alpha', 'addaction', 'noop']",
      `['set', 'alpha', 'addaction', 'banbot', '/etc/fail2ban/action.d/banbot.py', '{"socket": "/run/b.sock", "retry": "0.2"}']`,
      "['add', 'beta', 'polling']",
      "['start', 'alpha']",
      "ERROR  something the client logged",
    ].join("\n");
    expect(parseConfigDump(dump)).toEqual([
      { name: "alpha", actions: [{ name: "noop" }, { name: "banbot", file: "/etc/fail2ban/action.d/banbot.py", options: { socket: "/run/b.sock", retry: "0.2" } }] },
    ]);
  });
});
