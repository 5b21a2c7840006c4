import { describe, expect, it } from "vitest";
import { renderText } from "../../src/adapters/console/render.js";
import type { ActionRef } from "../../src/adapters/discord/components.js";
import { renderMessage as renderDiscord } from "../../src/adapters/discord/message.js";
import { progressMessage } from "../../src/adapters/slack/responses.js";
import { renderReply as renderSlack } from "../../src/adapters/slack/render.js";
import type { Reply } from "../../src/core/reply.js";
import { visibleText } from "../../src/core/text.js";
import { useBanBot } from "../harness/banbot.js";
import { useDiscord } from "./discord/harness.js";
import { ADMIN, GRANTS_YAML } from "./discord/users.js";
import { replyTo, textOf, USERS, useSlackBot } from "./slack/harness.js";

// Bidi controls and other invisible characters in what BanBot shows (echoes of user input, log
// lines, blocklist samples) can make a message read differently from what it says. Every surface
// drops them where a reply leaves for it; the zero-width characters its own escaping inserts to
// break mentions stay.

const BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069";
const OTHER = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u061c\u034f\u3164\u{e0041}";
const HIDDEN = BIDI + OTHER;
const ZWSP = "\u200b";
const ZWJ = "\u200d";
const HIDDEN_CHARS = [...HIDDEN, "\ud800"];
const H = (text: string) => [...text].map((c, i) => c + HIDDEN_CHARS[i % HIDDEN_CHARS.length]!).join("");

describe("visibleText", () => {
  it.each([
    ["bidi overrides and isolates", `evil\u202eexe.txt \u2066x\u2069`, "evilexe.txt x"],
    ["zero-width characters, BOM, soft hyphen, tags, a lone surrogate", `a\u200bb\u200dc\ufeffd\u00ade\u{e0041}f\ud800`, "abcdef"],
    ["control characters but tab and newline", "a\rb\x1b[31mc\td\ne\u2028f", "a b [31mc\td\ne f"],
    ["nothing to drop", "Banned 192.0.2.1 in sshd ✅", "Banned 192.0.2.1 in sshd ✅"],
  ])("GIVEN %s THEN keeps what can be seen", (_what, text, expected) => {
    expect(visibleText(text)).toBe(expected);
  });
});

describe("each surface's rendering boundary", () => {
  const ref: ActionRef = (command) => `=${command}`;
  const reply = (t: (text: string) => string): Reply => ({
    title: t("Blocklist import: 2 invalid lines"),
    tone: "warn",
    text: t("@here look at *this* line: not-an-ip"),
    fields: [{ label: t("Source"), value: t("https://lists.example/x.txt") }],
    table: { columns: [t("line"), t("content")], rows: [[t("3"), t("198.51.100.x <@U0BOSS>")]], rowActions: [{ label: t("Unban"), command: "unban 192.0.2.1" }] },
    paging: { page: 1, pages: 2, total: 30, next: { label: t("Next"), command: "banned sshd 2" } },
    notes: [t("_sample_ of invalid lines")],
    actions: [{ label: t("Import again"), command: "blocklist import x" }],
  });

  it.each([
    ["Slack", (r: Reply) => renderSlack(r)],
    ["Discord", (r: Reply) => renderDiscord(r, ref)],
    ["the console", (r: Reply) => renderText(r)],
  ])("%s shows a reply full of hidden characters exactly as the same reply without them", (_surface, render) => {
    expect(render(reply(H))).toEqual(render(reply((t) => t)));
  });

  it("keeps the joiners that break mentions, which escaping adds after the cleaning", () => {
    expect(JSON.stringify(renderSlack(reply(H)))).toContain(`@${ZWJ}here`);
    expect(JSON.stringify(renderDiscord(reply(H), ref))).toContain(`@${ZWSP}here`);
  });

  it("cleans the command line a Slack progress note echoes", () => {
    expect(progressMessage(H("ban 192.0.2.1 sshd"), H("Banned 1 of 2"), "ephemeral")).toEqual(progressMessage("ban 192.0.2.1 sshd", "Banned 1 of 2", "ephemeral"));
  });
});

// An invalid jail name is echoed in the error: through the real bolt and discord.js, and back.
const TYPED = "\u2066@here\u202e";

describe("echoes of user input, through the real Slack adapter", () => {
  const s = useSlackBot({ mode: "http" });

  it("reach Slack without the hidden characters, with the mention still broken", async () => {
    const text = textOf(await replyTo(s.fake, await s.slack.slash(`jail ${TYPED}`, { user: USERS.viewer })));
    expect(text).toContain(`@${ZWJ}here”`);
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });
});

describe("echoes of user input, through the real Discord adapter", () => {
  const bot = useBanBot({ yaml: GRANTS_YAML });
  const discord = useDiscord({ core: () => bot.core });

  it("reach Discord without the hidden characters, with the mention still broken", async () => {
    const callback = await discord.slash(ADMIN, { subcommand: "jail", options: { jail: TYPED } });
    const description = callback.data?.embeds?.[0]?.description ?? "";
    expect(description).toContain(`@${ZWSP}here”`);
    expect(description).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });
});
