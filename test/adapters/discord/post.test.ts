import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDiscordAdapter } from "../../../src/adapters/discord/client.js";
import { DeliveryError, type ChatAdapter } from "../../../src/core/chat.js";
import type { Reply } from "../../../src/core/reply.js";
import { COMMANDS } from "../../../commands/index.js";
import { FakeDiscord } from "../../fakes/fake-discord.js";
import { FAKE_GUILD } from "../../fakes/fake-discord-payloads.js";
import { silentLog } from "../../harness/client.js";
import { TEST_COMMANDS } from "../../harness/test-commands.js";
import { TOKEN } from "./harness.js";

const CHANNEL = "333333333333333333";
const SPIKE: Reply = { title: "Ban spike in sshd @everyone", tone: "warn", text: "40 bans in 5m", actions: [{ label: "Stop jail", command: "stop sshd" }] };

// Alert delivery uses REST only: these adapters never log in to the gateway.
describe("Discord alert delivery and login", () => {
  let fake: FakeDiscord;
  const adapter = (): ChatAdapter =>
    createDiscordAdapter({
      discord: { token: TOKEN, applicationId: FAKE_GUILD.applicationId, guildId: undefined, apiUrl: fake.apiUrl },
      commands: TEST_COMMANDS,
      dispatcher: { run: () => Promise.reject(new Error("no commands in these tests")), mayRun: () => false },
      fail2ban: { status: () => Promise.resolve({ jails: [] }), bannedIps: () => Promise.resolve([]), banned: () => Promise.resolve(new Map()) },
      catalogue: COMMANDS,
      log: silentLog,
    });
  beforeAll(async () => {
    fake = await FakeDiscord.start(FAKE_GUILD);
  });
  afterAll(async () => {
    await fake.close();
  });
  const last = () => fake.requests.at(-1)!;

  it("posts an alert as a Container in the tone's colour with its buttons, with the bot token and no mentions", async () => {
    const posted = await adapter().post(CHANNEL, SPIKE);
    expect(posted).toEqual({ platform: "discord", channel: CHANNEL, id: expect.stringMatching(/^\d+$/) });
    const request = last();
    expect([request.method, request.path, request.headers.authorization]).toEqual(["POST", `/api/v10/channels/${CHANNEL}/messages`, `Bot ${TOKEN}`]);
    expect(request.body).toEqual({
      flags: 1 << 15,
      content: null,
      embeds: [],
      components: [
        {
          type: 17,
          accent_color: 0xf1a40f,
          components: [
            { type: 10, content: "### Ban spike in sshd @\u200beveryone\n40 bans in 5m" },
            { type: 1, components: [{ type: 2, style: 2, label: "Stop jail", custom_id: "b0:=stop sshd" }] },
          ],
        },
      ],
      allowed_mentions: { parse: [] },
      attachments: [],
    });
  });

  it("follows up in a thread started from the first post, and reuses it", async () => {
    const chat = adapter();
    const first = await chat.post(CHANNEL, SPIKE);
    const update = await chat.post(CHANNEL, { title: "Still spiking", tone: "warn" }, { followUpOf: first });
    expect(update).toEqual({ platform: "discord", channel: first.id, id: expect.any(String), thread: first.id });
    const thread = fake.requests.find((r) => r.path === `/api/v10/channels/${CHANNEL}/messages/${first.id}/threads`);
    expect(thread?.body).toEqual({ name: "Still spiking", auto_archive_duration: 1440 });
    expect(last().path).toBe(`/api/v10/channels/${first.id}/messages`);

    const before = fake.requests.length;
    await chat.post(CHANNEL, { title: "Resolved", tone: "ok" }, { followUpOf: first });
    expect(fake.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`POST /api/v10/channels/${first.id}/messages`]);

    // A restarted bot does not remember the thread; Discord's refusal to start a second one tells it.
    const restarted = await adapter().post(CHANNEL, { title: "Resolved", tone: "ok" }, { followUpOf: first });
    expect(restarted.thread).toBe(first.id);
  });

  it("replaces a posted message in place, dropping its old images", async () => {
    const chat = adapter();
    const first = await chat.post(CHANNEL, SPIKE);
    expect(await chat.post(CHANNEL, { title: "Spike over", tone: "ok" }, { replace: first })).toEqual(first);
    expect(last()).toMatchObject({
      method: "PATCH",
      path: `/api/v10/channels/${CHANNEL}/messages/${first.id}`,
      body: { flags: 1 << 15, components: [{ type: 17, accent_color: 0x2ecc71, components: [{ type: 10, content: "### Spike over" }] }], attachments: [] },
    });
  });

  it("uploads images as attachments a media gallery shows", async () => {
    const png = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]);
    await adapter().post(CHANNEL, { title: "Bans per minute", tone: "warn", images: [{ name: "spike.png", png, alt: "bans per minute", width: 10, height: 10 }] });
    expect(last().files).toEqual([{ field: "files[0]", name: "spike.png", type: "image/png", size: 8 }]);
    expect(last().body).toMatchObject({
      components: [{ type: 17, components: [{ type: 10 }, { type: 12, items: [{ media: { url: "attachment://spike.png" }, description: "bans per minute" }] }] }],
      attachments: [{ id: "0", filename: "spike.png", description: "bans per minute" }],
    });
  });

  it("upgrades an alert posted as an embed (before Components V2) when it replaces it", async () => {
    const old = await fake.postAsBot(CHANNEL, { content: "", embeds: [{ title: "Ban spike in sshd" }] });
    expect(await adapter().post(CHANNEL, { title: "Spike over", tone: "ok" }, { replace: old })).toEqual(old);
    expect(last()).toMatchObject({ method: "PATCH", fault: false, body: { flags: 1 << 15, content: null, embeds: [] } });
  });

  it("waits out a 429 and retries, as Discord's retry-after says", async () => {
    fake.rateLimitNext("POST", /\/channels\/\d+\/messages$/, 0.3);
    const before = fake.requests.length;
    const started = performance.now();
    await adapter().post(CHANNEL, SPIKE);
    const tries = fake.requests.slice(before);
    expect(tries.map((r) => r.fault)).toEqual([true, false]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("hands a long 429 back to the caller (the outbox) with its Retry-After, instead of waiting", async () => {
    fake.rateLimitNext("POST", /\/channels\/\d+\/messages$/, 30);
    const before = fake.requests.length;
    const failed = await adapter().post(CHANNEL, SPIKE).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(DeliveryError);
    expect((failed as DeliveryError).opts).toMatchObject({ retryAfterMs: expect.any(Number) });
    expect((failed as DeliveryError).opts.retryAfterMs).toBeGreaterThanOrEqual(30_000);
    expect((failed as DeliveryError).opts.permanent).toBeFalsy();
    expect(fake.requests.slice(before).map((r) => r.fault)).toEqual([true]);
  });

  it.each([
    [404, { message: "Unknown Channel", code: 10003 }, true],
    [403, { message: "Missing Access", code: 50001 }, true],
    [401, { message: "401: Unauthorized", code: 0 }, false],
  ])("GIVEN Discord answers %i THEN raises a DeliveryError, permanent: %s", async (status, body, permanent) => {
    fake.failNext({ method: "POST", path: /\/channels\/\d+\/messages$/, status, body });
    const failed = await adapter().post(CHANNEL, SPIKE).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(DeliveryError);
    expect((failed as DeliveryError).opts.permanent).toBe(permanent);
  });

  it("GIVEN a token Discord refuses THEN start fails with what to do about it", async () => {
    fake.failNext({ method: "GET", path: /\/gateway\/bot$/, status: 401, body: { message: "401: Unauthorized", code: 0 } });
    await expect(adapter().start()).rejects.toThrow("Discord refused DISCORD_TOKEN: copy the bot token again (Developer Portal → Bot → Reset Token).");
  });
});
