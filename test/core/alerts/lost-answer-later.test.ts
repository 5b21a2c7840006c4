import type { Database } from "better-sqlite3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOutbox } from "../../../src/store/outbox.js";
import type { Outbox, OutboxMessage } from "../../../src/core/ports/outbox.js";
import { deliverDue } from "../../../src/core/alerts/outbox-worker.js";
import type { ChatAdapter } from "../../../src/core/chat.js";
import type { Reply } from "../../../src/core/reply.js";
import type { FakeDiscord } from "../../fakes/fake-discord.js";
import { FAKE_GUILD } from "../../fakes/fake-discord-payloads.js";
import { titleOfBody } from "../../fakes/fake-discord-v2.js";
import type { FakeSlack } from "../../fakes/fake-slack.js";
import { startPostingFakes } from "../../harness/alert-adapters.js";
import { silentLog } from "../../harness/client.js";
import { migratedStore } from "../../harness/store.js";

// What a lost answer leaves behind once the platform is down for longer than a retry: Discord
// forgets a create's nonce after a few minutes, and Slack's post was found but its chart never
// went up. The real outbox on SQLite, the real adapters, the fakes.

const SLACK_CHANNEL = "C0ALERTS";
const DISCORD_CHANNEL = FAKE_GUILD.channelId;
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 7, 7, 7]);
const MINUTE = 60_000;

describe("an alert post whose answer was lost, retried after a long outage", () => {
  let slack: FakeSlack;
  let discord: FakeDiscord;
  let adapters: Map<"slack" | "discord", ChatAdapter>;
  let db: Database;
  let outbox: Outbox;
  let now = Date.now();

  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ slack, discord, adapters, close } = await startPostingFakes());
  });
  afterAll(() => close());
  beforeEach(() => {
    db = migratedStore();
    outbox = createOutbox(db);
  });
  afterEach(() => db.close());

  const deliver = () => deliverDue({ outbox, adapters, now: () => now, log: silentLog });
  const message = (platform: "slack" | "discord", key: string, extra: Partial<OutboxMessage> = {}): OutboxMessage => ({
    dedupeKey: `${key}:${platform}`,
    platform,
    channel: platform === "slack" ? SLACK_CHANNEL : DISCORD_CHANNEL,
    mode: "post",
    reply: { title: key, tone: "warn" },
    ...extra,
  });
  const discordTitles = (channel: string) => (discord.messages.get(channel) ?? []).map((m) => titleOfBody(m.body));
  const discordCreate = (channel: string) => new RegExp(`^/api/v10/channels/${channel}/messages$`);

  it("Discord: past the nonce's few minutes, looks in the channel for the post before making it again", async () => {
    // The attempt whose answer is lost, ten minutes ago; Discord has forgotten its nonce since.
    now = Date.now() - 10 * MINUTE;
    discord.failNext({ method: "POST", path: discordCreate(DISCORD_CHANNEL), status: 0, drop: true });
    outbox.enqueue([message("discord", "late-1")], now);
    expect(await deliver()).toEqual({ sent: 0, waiting: 1 });
    discord.forgetNonces();
    now = Date.now();
    await deliver();

    expect(outbox.pendingCount()).toBe(0);
    expect(discordTitles(DISCORD_CHANNEL).filter((t) => t === "late-1")).toHaveLength(1);
    const made = discord.messages.get(DISCORD_CHANNEL)!.find((m) => titleOfBody(m.body) === "late-1")!;
    expect(outbox.sent("late-1:discord")?.id).toBe(made.id);
    expect(discord.requests.filter((r) => r.method === "GET" && r.path === `/api/v10/channels/${DISCORD_CHANNEL}/messages`)).toHaveLength(1);
  });

  it("Discord: a follow-up lost in the alert's thread is looked for in the thread", async () => {
    now = Date.now() - 10 * MINUTE;
    outbox.enqueue([message("discord", "open-2")], now);
    await deliver();
    const parent = outbox.sent("open-2:discord")!;
    discord.failNext({ method: "POST", path: discordCreate(parent.id), status: 0, drop: true });
    outbox.enqueue([message("discord", "update-2", { mode: "follow_up", parentKey: "open-2:discord" })], now);
    await deliver();
    discord.forgetNonces();
    now = Date.now();
    await deliver();
    expect(outbox.pendingCount()).toBe(0);
    expect(discordTitles(parent.id)).toEqual(["update-2"]);
  });

  it("Discord: within the nonce's minutes, retries with the nonce alone, without looking", async () => {
    now = Date.now();
    discord.failNext({ method: "POST", path: discordCreate(DISCORD_CHANNEL), status: 0, drop: true });
    outbox.enqueue([message("discord", "soon-3")], now);
    await deliver();
    const looks = discord.requests.filter((r) => r.method === "GET").length;
    now += MINUTE;
    await deliver();
    expect(discordTitles(DISCORD_CHANNEL).filter((t) => t === "soon-3")).toHaveLength(1);
    expect(discord.requests.filter((r) => r.method === "GET")).toHaveLength(looks);
  });

  it("Slack: when it finds the earlier post, shares the chart that attempt never uploaded (workspaces without chart blocks)", async () => {
    slack.withoutBlocks();
    try {
      now = Date.now();
      const reply: Reply = { title: "Ban spike in sshd", tone: "warn", text: "42 bans in 5m", images: [{ name: "spike.png", png: PNG, alt: "bans per minute", width: 10, height: 10 }] };
      slack.failNext({ target: "chat.postMessage", drop: true });
      outbox.enqueue([message("slack", "spike-4", { reply })], now);
      await deliver();
      // The post went out without its chart: the answer was lost before the upload.
      expect(slack.calls("files.completeUploadExternal")).toHaveLength(0);
      now += MINUTE;
      await deliver();
      expect(outbox.pendingCount()).toBe(0);
      const posts = (slack.channels.get(SLACK_CHANNEL) ?? []).filter((m) => String(m.text).includes("Ban spike in sshd"));
      expect(posts).toHaveLength(1);
      const uploads = slack.calls("files.completeUploadExternal");
      expect(uploads).toHaveLength(1);
      expect(uploads[0]!.args).toMatchObject({ channel_id: SLACK_CHANNEL });
      expect([...slack.uploads.values()].some((bytes) => bytes.includes(Buffer.from(PNG)))).toBe(true);
    } finally {
      slack.withoutBlocks([]);
    }
  });
});
