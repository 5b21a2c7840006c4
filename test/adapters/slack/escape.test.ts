import { describe, expect, it } from "vitest";
import { cut, mrkdwn, plainText, preformatted } from "../../../src/adapters/slack/escape.js";
import { decodeSlashText } from "../../../src/adapters/slack/parse.js";

const ZWSP = "\u200B";
const ZWJ = "\u200D";

describe("mrkdwn", () => {
  it.each([
    ["plain words", "Banned 192.0.2.1 in sshd", "Banned 192.0.2.1 in sshd"],
    ["a code span", "Type `help ban`", "Type `help ban`"],
    ["markup inside a code span", "`<HOST> & *x*`", "`&lt;HOST&gt; &amp; *x*`"],
    ["a channel broadcast", "<!channel> look", "&lt;!channel&gt; look"],
    ["a user mention", "hi <@U0BOSS>", "hi &lt;@U0BOSS&gt;"],
    ["a link", "<http://evil.example|click>", "&lt;http://evil.example|click&gt;"],
    ["bare broadcasts", "@here @channel @Everyone", `@${ZWJ}here @${ZWJ}channel @${ZWJ}Everyone`],
    ["an e-mail address", "root@here.example", `root@${ZWJ}here.example`],
    ["bold, italics and strike", "*a* _b_ ~c~", `${ZWSP}*a* ${ZWSP}_b_ ${ZWSP}~c~`],
    ["markers inside words", "nginx_limit_req 2*3", "nginx_limit_req 2*3"],
    ["a regex", "^.*$", `^.${ZWSP}*$`],
    ["a quote at a line start", "> a\nb > c", `${ZWSP}&gt; a\nb &gt; c`],
    ["a stray backtick", "it`s", "itˋs"],
    ["an unclosed code span", "`open and *bold*", `ˋopen and ${ZWSP}*bold*`],
  ])("GIVEN %s THEN shows it literally", (_what, input, expected) => {
    expect(mrkdwn(input)).toBe(expected);
  });
});

describe("plainText and preformatted", () => {
  it("escapes entities and broadcasts, and keeps formatting characters as they are", () => {
    expect(plainText("<!here> @here *x* `y`")).toBe(`&lt;!here&gt; @${ZWJ}here *x* \`y\``);
  });

  it("keeps a ``` block from being closed early", () => {
    expect(preformatted("a ``` b <@U1>")).toBe("a ˋˋˋ b &lt;@U1&gt;");
  });
});

describe("cut", () => {
  it.each([
    ["text that fits", "abc", 3, "abc"],
    ["text one too long", "abcd", 3, "ab…"],
    ["an entity at the cut", "ab &amp; c", 6, "ab …"],
    ["a surrogate pair at the cut", "ab😀cd", 4, "ab…"],
  ])("GIVEN %s THEN cuts with a visible ellipsis", (_what, text, max, expected) => {
    expect(cut(text, max)).toBe(expected);
  });
});

describe("decodeSlashText", () => {
  it.each([
    ["entities Slack escapes", "ban 192.0.2.1 sshd &amp;&amp; &lt;x&gt;", "ban 192.0.2.1 sshd && <x>"],
    ["a user mention", "audit <@U0ADMIN|admin> 7d", "audit U0ADMIN 7d"],
    ["a linked URL", "blocklist add <https://example.com/list.txt|example.com/list.txt>", "blocklist add example.com/list.txt"],
    ["a bare link", "x <https://example.com>", "x https://example.com"],
    ["curly quotes", "banned sshd “203.0”", 'banned sshd "203.0"'],
    ["surrounding blanks", "  status  ", "status"],
  ])("GIVEN %s THEN gives the line as typed", (_what, text, expected) => {
    expect(decodeSlashText(text)).toBe(expected);
  });
});
