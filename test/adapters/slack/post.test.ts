import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSlackAdapter, type SlackAdapter } from "../../../src/adapters/slack/app.js";
import { DeliveryError } from "../../../src/core/chat.js";
import { errorReply, type Reply } from "../../../src/core/reply.js";
import { FAKE_TOKENS, FakeSlack } from "../../fakes/fake-slack.js";
import { silentLog } from "../../harness/client.js";
import { TEST_COMMANDS } from "../../harness/test-commands.js";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const ALERT: Reply = { title: "Ban spike in sshd", tone: "warn", text: "42 bans in 5m", actions: [{ label: "Show banned", command: "banned sshd" }] };

// The alert delivery hook: posts go out through the Web API, whether or not commands are served.
describe("SlackAdapter.post", () => {
  let fake: FakeSlack;
  let adapter: SlackAdapter;
  beforeAll(async () => {
    fake = await FakeSlack.start();
    adapter = createSlackAdapter({
      slack: fake.slackConfig(),
      commands: TEST_COMMANDS,
      dispatcher: { run: () => Promise.resolve(errorReply("not used here")) },
      log: silentLog,
    });
  });
  afterAll(async () => await fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
  });

  it("posts a new message whose thread is itself", async () => {
    const posted = await adapter.post("C0ALERTS", ALERT);
    expect(posted).toEqual({ platform: "slack", channel: "C0ALERTS", id: expect.stringMatching(/^\d+\.\d+$/), thread: posted.id });
    const [call] = fake.calls("chat.postMessage");
    expect(call!.headers.authorization).toBe(`Bearer ${FAKE_TOKENS.bot}`);
    expect(call!.args).toMatchObject({ channel: "C0ALERTS", text: "⚠️ Ban spike in sshd", unfurl_links: "false", unfurl_media: "false" });
    expect(call!.args.blocks).toContainEqual(expect.objectContaining({ type: "actions" }));
  });

  it("follows up in the thread and updates in place", async () => {
    const first = await adapter.post("C0ALERTS", ALERT);
    const followUp = await adapter.post("C0ALERTS", { title: "Still spiking", tone: "warn" }, { followUpOf: first });
    expect(followUp.thread).toBe(first.id);
    expect(fake.calls("chat.postMessage")[1]!.args.thread_ts).toBe(first.id);
    const again = await adapter.post("C0ALERTS", { title: "Spike over", tone: "ok" }, { followUpOf: followUp });
    expect(fake.calls("chat.postMessage")[2]!.args.thread_ts).toBe(first.id);
    expect(again.thread).toBe(first.id);

    expect(await adapter.post("C0ALERTS", { title: "Ban spike in sshd (resolved)", tone: "ok" }, { replace: first })).toEqual(first);
    expect(fake.calls("chat.update")[0]!.args).toMatchObject({ channel: "C0ALERTS", ts: first.id, text: "✅ Ban spike in sshd (resolved)" });
  });

  it("uploads images into the same thread with the files API", async () => {
    const first = await adapter.post("C0ALERTS", ALERT);
    fake.requests.length = 0;
    await adapter.post("C0ALERTS", { ...ALERT, images: [{ name: "bans", png: PNG, alt: "bans per minute", width: 10, height: 10 }] }, { followUpOf: first });
    const [url] = fake.calls("files.getUploadURLExternal");
    expect(url!.args).toMatchObject({ filename: "bans.png", length: String(PNG.length), alt_text: "bans per minute" });
    const [complete] = fake.calls("files.completeUploadExternal");
    expect(complete!.args).toMatchObject({ channel_id: "C0ALERTS", thread_ts: first.id, files: [{ id: expect.stringMatching(/^F0/), title: "bans per minute" }] });
    const fileId = (complete!.args.files as { id: string }[])[0]!.id;
    expect(fake.uploads.get(fileId)?.includes(Buffer.from(PNG))).toBe(true);
  });

  it("keeps a posted alert posted when its image cannot be shared", async () => {
    fake.failNext({ target: "files.completeUploadExternal", error: "not_in_channel" });
    const posted = await adapter.post("C0ALERTS", { ...ALERT, images: [{ name: "bans.png", png: PNG, alt: "bans", width: 1, height: 1 }] });
    expect(posted.id).toMatch(/^\d+\.\d+$/);
    expect(fake.calls("chat.postMessage")).toHaveLength(1);
  });

  it.each([
    ["a server error, as maybe posted", { status: 503 }, { uncertain: true }],
    ["a lost answer, as maybe posted", { drop: true }, { uncertain: true }],
    ["a rate limit, with when to retry", { status: 429, headers: { "retry-after": "7" } }, { retryAfterMs: 7000 }],
    ["an unknown channel, as permanent", { error: "channel_not_found" }, { permanent: true }],
    ["a Slack-side failure, as worth retrying", { error: "fatal_error" }, { permanent: false }],
  ])("reports %s to the outbox", async (_what, fault, expected) => {
    fake.failNext({ target: "chat.postMessage", ...fault });
    const err = await adapter.post("C0ALERTS", ALERT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).opts).toMatchObject(expected);
    // The outbox does the waiting (and the looking, when a post may have been made): nothing is retried here.
    expect(fake.calls("chat.postMessage")).toHaveLength(1);
  });
});
