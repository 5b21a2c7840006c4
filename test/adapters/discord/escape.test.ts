import { describe, expect, it } from "vitest";
import { clip, fitMarkdown, markdown } from "../../../src/adapters/discord/escape.js";
import { withoutCodeMarks } from "../../../src/core/reply.js";

const Z = "\u200b";

describe("markdown", () => {
  it.each([
    ["plain words and 198.51.100.7", "plain words and 198.51.100.7"],
    ["nginx-http-auth and 2001:db8::1", "nginx-http-auth and 2001:db8::1"],
    ["*bold* _it_ ~~gone~~ ||spoiler||", "\\*bold\\* \\_it\\_ \\~\\~gone\\~\\~ \\|\\|spoiler\\|\\|"],
    ["# heading\n- item\n> quote\n-# small\n1. first", "\\# heading\n\\- item\n\\> quote\n\\-# small\n1\\. first"],
    ["[click](https://evil.example)", "\\[click\\]\\(https://evil.example\\)"],
    ["back\\slash \\*", "back\\\\slash \\\\\\*"],
    ["ping @everyone and @here, @Everyone", `ping @${Z}everyone and @${Z}here, @${Z}Everyone`],
    ["<@123456789012345678> <@!1> <@&222> <#333> </f2b:1> <t:1700000000>", `<${Z}@123456789012345678> <${Z}@!1> <${Z}@&222> <${Z}#333> <${Z}/f2b:1> <${Z}t:1700000000>`],
    ["run `ban 192.0.2.1 sshd` now", "run `ban 192.0.2.1 sshd` now"],
    ["`a*b_c` then *c*", "`a*b_c` then \\*c\\*"],
    ["`@everyone` in code", `\`@${Z}everyone\` in code`],
    ["a lone ` backtick", "a lone \\` backtick"],
    ["<html> stays", "<html> stays"],
  ])("%j → %j", (text, expected) => {
    expect(markdown(text)).toBe(expected);
  });
});

describe("withoutCodeMarks", () => {
  it("drops the backticks of code spans for places that show text verbatim", () => {
    expect(withoutCodeMarks("Type `help <command>` or `jails`; a lone ` stays")).toBe("Type help <command> or jails; a lone ` stays");
  });
});

describe("clip", () => {
  it.each([
    ["short", 10, "short"],
    ["exactly10!", 10, "exactly10!"],
    ["eleven chars", 10, "eleven ch…"],
    ["🙂🙂🙂🙂🙂🙂", 7, "🙂🙂🙂…"],
  ])("clip(%j, %i) = %j", (text, max, expected) => {
    expect(clip(text, max)).toBe(expected);
    expect(clip(text, max).length).toBeLessThanOrEqual(max);
  });
});

describe("fitMarkdown", () => {
  it.each([
    ["aaaaaaaaaa", 5, "aaaa…"],
    ["*****", 6, "\\*\\*…"],
    ["`code span here`", 10, "\\`code sp…"],
    ["fits `as is`", 12, "fits `as is`"],
  ])("fitMarkdown(%j, %i) = %j", (text, max, expected) => {
    expect(fitMarkdown(text, max)).toBe(expected);
  });

  it("never exceeds the limit, however much escaping the text needs", () => {
    for (const max of [1, 2, 3, 50, 99]) expect(fitMarkdown("*_~|".repeat(100), max).length).toBeLessThanOrEqual(max);
  });
});
