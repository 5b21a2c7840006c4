import { describe, expect, it } from "vitest";
import { isUserError } from "../../../src/core/errors.js";
import { needsQuotes, quote, tokenize } from "../../../src/core/command/tokenize.js";

const texts = (line: string) => tokenize(line).map((t) => t.text);

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a throw");
}

describe("tokenize", () => {
  it.each([
    ["", []],
    ["   ", []],
    ["ban 192.0.2.1  sshd", ["ban", "192.0.2.1", "sshd"]],
    ["\tbanned\u00a0sshd\n2 ", ["banned", "sshd", "2"]],
    ['banned sshd "203.0.113"', ["banned", "sshd", "203.0.113"]],
    ["note sshd 'two words'", ["note", "sshd", "two words"]],
    ["note sshd “smart quotes” ok", ["note", "sshd", "smart quotes", "ok"]],
    ["note sshd ‘single smart’", ["note", "sshd", "single smart"]],
    ["note don't stop", ["note", "don't", "stop"]],
    ["note 'it's here'", ["note", "it's here"]],
    ['note "a"b c"', ["note", 'a"b c']],
    ['note ""', ["note", ""]],
    ['banned --search="a b"', ["banned", "--search=a b"]],
    ["path C:\\temp\\x", ["path", "C:\\temp\\x"]],
    // Plain words are read whole; from a word that may open a quote on, character by character.
    ['ban 192.0.2.1 192.0.2.2 --note="a b" sshd \'c d\' e', ["ban", "192.0.2.1", "192.0.2.2", "--note=a b", "sshd", "c d", "e"]],
    ["a --b c -- d", ["a", "--b", "c", "--", "d"]],
  ])("GIVEN %j THEN splits into %j", (line, expected) => {
    expect(texts(line)).toEqual(expected);
  });

  it("marks tokens that began with a quote as literal", () => {
    expect(tokenize('for "for" --a="b c"')).toEqual([
      { text: "for", quoted: false },
      { text: "for", quoted: true },
      { text: "--a=b c", quoted: false },
    ]);
  });

  it.each(['banned sshd "203.0.113', "note 'abc", "note “open", 'note "a" "b'])(
    "GIVEN the unclosed quote in %j THEN throws an invalid_argument UserError",
    (line) => {
      const err = thrown(() => tokenize(line));
      expect(isUserError(err, "invalid_argument")).toBe(true);
      expect((err as Error).message).toMatch(/^A quote is never closed: “/);
    },
  );
});

describe("quote", () => {
  it.each([
    ["a b", '"a b"'],
    ['say "hi" now', "'say \"hi\" now'"],
    ['end"', '"end""'],
    ["", '""'],
  ])("GIVEN %j THEN writes %s, which tokenizes back to it", (text, quoted) => {
    expect(quote(text)).toBe(quoted);
    expect(texts(quoted)).toEqual([text]);
  });

  it("GIVEN both kinds of quote before a space THEN refuses", () => {
    expect(() => quote(`a" b' c`)).toThrow(/both/);
  });
});

describe("needsQuotes", () => {
  it.each([
    ["sshd", false],
    ["don't", false],
    ["", true],
    ["a b", true],
    ["'start", true],
    ["“start", true],
    ["--confirm=x", true],
    ["--flag", false],
  ])("GIVEN %j THEN %s", (text, expected) => {
    expect(needsQuotes(text)).toBe(expected);
  });
});
