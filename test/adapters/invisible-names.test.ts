import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatAdapter } from "../../src/core/chat.js";
import { visibleText } from "../../src/core/text.js";
import { FakeDiscord } from "../fakes/fake-discord.js";
import { FAKE_GUILD } from "../fakes/fake-discord-payloads.js";
import { FakeSlack } from "../fakes/fake-slack.js";
import { postingAdapters } from "../harness/alert-adapters.js";

const ZWJ = "\u200d";
// A region's code in tag characters, as subdivision flags write it, and the cancel tag that ends one.
const tags = (code: string) => [...code].map((c) => String.fromCodePoint(0xe0000 + c.codePointAt(0)!)).join("");
const CANCEL_TAG = "\u{E007F}";
const BLACK_FLAG = "\u{1F3F4}";
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 5]);

describe("visibleText and emoji", () => {
  it.each([
    ["a family", `👨${ZWJ}👩${ZWJ}👧`],
    ["a flag with its variation selector", `🏳\ufe0f${ZWJ}🌈`],
    ["a technologist with a skin tone", `👩🏽${ZWJ}💻`],
    ["a heart on fire, among words and a bidi override", `on \u202e${"❤\ufe0f"}${ZWJ}🔥 fire`],
    ["Scotland's flag beside England's", `${BLACK_FLAG}${tags("gbsct")}${CANCEL_TAG} ${BLACK_FLAG}${tags("gbeng")}${CANCEL_TAG}`],
  ])("GIVEN %s THEN keeps the joiners and tags inside the emoji", (_what, text) => {
    expect(visibleText(text)).toBe(text.replace("\u202e", ""));
  });

  it.each([
    ["alone", `say ${tags("hidden")}hi`, "say hi"],
    ["after a flag, more of them than a region's code has", `${BLACK_FLAG}${tags("ignoreallrules")}${CANCEL_TAG}!`, `${BLACK_FLAG}!`],
    ["after a flag, without the cancel tag", `${BLACK_FLAG}${tags("gbsct")} ok`, `${BLACK_FLAG} ok`],
    ["without the flag", `${tags("gbsct")}${CANCEL_TAG}ok`, "ok"],
  ])("GIVEN tag characters %s THEN drops them", (_what, text, expected) => {
    expect(visibleText(text)).toBe(expected);
  });

  it.each([
    ["between letters", `a${ZWJ}b`, "ab"],
    ["between an emoji and a letter", `👨${ZWJ}a`, "👨a"],
    ["between a letter and an emoji", `a${ZWJ}👨`, "a👨"],
    ["after an at sign", `@${ZWJ}here`, "@here"],
  ])("GIVEN a joiner %s THEN drops it", (_what, text, expected) => {
    expect(visibleText(text)).toBe(expected);
  });
});

// What names a thread (Discord) or a shared file (Slack) shows in the channel as much as the message
// does, and is cleaned the same way.
describe("names and titles beside an alert", () => {
  let slack: FakeSlack;
  let discord: FakeDiscord;
  let slackAdapter: ChatAdapter;
  let discordAdapter: ChatAdapter;

  beforeAll(async () => {
    slack = await FakeSlack.start();
    discord = await FakeDiscord.start(FAKE_GUILD);
    ({ slack: slackAdapter, discord: discordAdapter } = postingAdapters(slack, discord));
  });
  afterAll(async () => {
    await slack.close();
    await discord.close();
  });

  it("Discord: the thread of an alert's follow-ups is named after its title, cleaned", async () => {
    const first = await discordAdapter.post(FAKE_GUILD.channelId, { title: "Ban spike in ssh\u202ed\u200b", tone: "warn" });
    await discordAdapter.post(FAKE_GUILD.channelId, { title: "Ban spike in ssh\u202ed\u200b: still going", tone: "warn" }, { followUpOf: first });
    const created = discord.requests.find((r) => r.method === "POST" && r.path === `/api/v10/channels/${FAKE_GUILD.channelId}/messages/${first.id}/threads`);
    expect((created?.body as { name?: string } | undefined)?.name).toBe("Ban spike in sshd: still going");
  });

  it("Slack: an uploaded chart's title and alt text are cleaned", async () => {
    slack.withoutBlocks();
    try {
      await slackAdapter.post("C0ALERTS", { title: "Ban spike in sshd", tone: "warn", images: [{ name: "spike\u2066.png", png: PNG, alt: "bans \u202eper minute", width: 1, height: 1 }] });
    } finally {
      slack.withoutBlocks([]);
    }
    const asked = slack.calls("files.getUploadURLExternal").at(-1)!.args;
    expect(asked).toMatchObject({ filename: "spike.png", alt_text: "bans per minute" });
    const completed = JSON.stringify(slack.calls("files.completeUploadExternal").at(-1)!.args);
    expect(completed).toContain("bans per minute");
    expect(completed).not.toMatch(/\\u202e|\u202e/);
  });
});
