import type { Database } from "better-sqlite3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { nonceOf } from "../../../src/adapters/discord/post.js";
import { createOutbox } from "../../../src/store/outbox.js";
import type { Outbox, OutboxMessage } from "../../../src/core/ports/outbox.js";
import { deliverDue } from "../../../src/core/alerts/outbox-worker.js";
import type { ChatAdapter } from "../../../src/core/chat.js";
import type { FakeDiscord } from "../../fakes/fake-discord.js";
import { FAKE_GUILD } from "../../fakes/fake-discord-payloads.js";
import { titleOfBody } from "../../fakes/fake-discord-v2.js";
import type { FakeSlack } from "../../fakes/fake-slack.js";
import { startPostingFakes } from "../../harness/alert-adapters.js";
import { silentLog } from "../../harness/client.js";
import { migratedStore } from "../../harness/store.js";

// A platform takes a post and the answer never arrives (a timeout, a dropped connection). The
// outbox retries, and must not post a second time: Slack is searched for the post's metadata
// first, Discord recognises the create's nonce. The real outbox on SQLite, the real adapters.

const SLACK_CHANNEL = "C0ALERTS";
const DISCORD_CHANNEL = FAKE_GUILD.channelId;

describe("an alert post whose answer was lost", () => {
  let slack: FakeSlack;
  let discord: FakeDiscord;
  let adapters: Map<"slack" | "discord", ChatAdapter>;
  let db: Database;
  let outbox: Outbox;
  // The outbox clock runs with the wall clock (Slack's message timestamps are wall-clock seconds).
  let now = Date.now();

  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ slack, discord, adapters, close } = await startPostingFakes());
  });
  afterAll(() => close());
  beforeEach(() => {
    db = migratedStore();
    outbox = createOutbox(db);
    now = Date.now();
  });
  afterEach(() => db.close());

  const deliver = () => deliverDue({ outbox, adapters, now: () => now, log: silentLog });
  /** Delivers until nothing is pending, moving the outbox clock past each backoff. */
  const deliverAll = async () => {
    for (let i = 0; i < 10 && outbox.pendingCount() > 0; i++) {
      await deliver();
      now += 60_000;
    }
    expect(outbox.pendingCount()).toBe(0);
  };
  const message = (platform: "slack" | "discord", key: string, extra: Partial<OutboxMessage> = {}): OutboxMessage => ({
    dedupeKey: `${key}:${platform}`,
    platform,
    channel: platform === "slack" ? SLACK_CHANNEL : DISCORD_CHANNEL,
    mode: "post",
    reply: { title: key, tone: "warn" },
    ...extra,
  });
  const slackTitles = (channel = SLACK_CHANNEL) => (slack.channels.get(channel) ?? []).map((m) => String(m.text));
  const discordTitles = (channel: string) => (discord.messages.get(channel) ?? []).map((m) => titleOfBody(m.body));

  it("Slack: finds the post by its metadata instead of posting it again", async () => {
    slack.failNext({ target: "chat.postMessage", drop: true });
    outbox.enqueue([message("slack", "lost-1")], now);
    expect(await deliver()).toEqual({ sent: 0, waiting: 1 });
    expect(slackTitles().filter((t) => t.includes("lost-1"))).toHaveLength(1);

    const postsBefore = slack.calls("chat.postMessage").length;
    await deliverAll();
    expect(slack.calls("chat.postMessage")).toHaveLength(postsBefore);
    expect(slackTitles().filter((t) => t.includes("lost-1"))).toHaveLength(1);
    const posted = slack.channels.get(SLACK_CHANNEL)!.find((m) => String(m.text).includes("lost-1"))!;
    expect(posted.metadata).toEqual({ event_type: "banbot_alert", event_payload: { key: "lost-1:slack" } });
    expect(outbox.sent("lost-1:slack")?.id).toBe(posted.ts);
  });

  it("Slack: looks in the thread for a lost follow-up, then threads later ones under the same post", async () => {
    outbox.enqueue([message("slack", "open-2")], now);
    await deliver();
    const parent = outbox.sent("open-2:slack")!;
    slack.failNext({ target: "chat.postMessage", drop: true });
    outbox.enqueue([message("slack", "update-2", { mode: "follow_up", parentKey: "open-2:slack" })], now);
    await deliver();
    await deliverAll();
    const thread = slack.channels.get(SLACK_CHANNEL)!.filter((m) => m.thread_ts === parent.id);
    expect(thread.map((m) => String(m.text))).toEqual([expect.stringContaining("update-2")]);
    expect(slack.calls("conversations.replies").at(-1)!.args).toMatchObject({ channel: SLACK_CHANNEL, ts: parent.id });
  });

  it("Slack: posts without looking after a refusal that says nothing was posted", async () => {
    slack.failNext({ target: "chat.postMessage", status: 429, headers: { "retry-after": "1" }, error: "ratelimited" });
    outbox.enqueue([message("slack", "limited-3")], now);
    const looked = slack.calls("conversations.history").length;
    await deliverAll();
    expect(slack.calls("conversations.history")).toHaveLength(looked);
    expect(slackTitles().filter((t) => t.includes("limited-3"))).toHaveLength(1);
  });

  it("Slack: posts again when it may not look (no history scope): a duplicate beats a lost alert", async () => {
    slack.failNext({ target: "chat.postMessage", drop: true });
    slack.failNext({ target: "conversations.history", error: "missing_scope" });
    outbox.enqueue([message("slack", "noscope-4")], now);
    await deliverAll();
    expect(slackTitles().filter((t) => t.includes("noscope-4"))).toHaveLength(2);
  });

  it("Discord: the retried create carries the same nonce, so Discord answers with the first message", async () => {
    discord.failNext({ method: "POST", path: new RegExp(`^/api/v10/channels/${DISCORD_CHANNEL}/messages$`), status: 0, drop: true });
    outbox.enqueue([message("discord", "lost-5")], now);
    await deliverAll();
    expect(discordTitles(DISCORD_CHANNEL).filter((t) => t === "lost-5")).toHaveLength(1);
    const creates = discord.requests.filter((r) => r.method === "POST" && r.path === `/api/v10/channels/${DISCORD_CHANNEL}/messages` && titleOfBody(r.body) === "lost-5");
    expect(creates.length).toBeGreaterThanOrEqual(2);
    for (const create of creates) expect(create.body).toMatchObject({ nonce: nonceOf("lost-5:discord"), enforce_nonce: true });
    expect(nonceOf("lost-5:discord").length).toBeLessThanOrEqual(25);
    const made = discord.messages.get(DISCORD_CHANNEL)!.find((m) => m.nonce === nonceOf("lost-5:discord"))!;
    expect(outbox.sent("lost-5:discord")?.id).toBe(made.id);
  });

  it("Discord: a lost follow-up in the alert's thread is not posted twice either", async () => {
    outbox.enqueue([message("discord", "open-6")], now);
    await deliver();
    const parent = outbox.sent("open-6:discord")!;
    discord.failNext({ method: "POST", path: new RegExp(`^/api/v10/channels/${parent.id}/messages$`), status: 0, drop: true });
    outbox.enqueue([message("discord", "update-6", { mode: "follow_up", parentKey: "open-6:discord" })], now);
    await deliverAll();
    expect(discordTitles(parent.id)).toEqual(["update-6"]);
  });
});
