import type { Database } from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOutbox } from "../../../src/store/outbox.js";
import type { OutboxMessage } from "../../../src/core/ports/outbox.js";
import { deliverDue } from "../../../src/core/alerts/outbox-worker.js";
import { DeliveryError } from "../../../src/core/chat.js";
import { FakeChatAdapter } from "../../fakes/fake-chat-adapter.js";
import { silentLog } from "../../harness/client.js";
import { migratedStore } from "../../harness/store.js";

const open: OutboxMessage = { dedupeKey: "spike:sshd:1:open:slack:C1", platform: "slack", channel: "C1", mode: "post", reply: { title: "Spike in sshd", tone: "warn" } };
const update: OutboxMessage = { ...open, dedupeKey: "spike:sshd:1:update:1:slack:C1", mode: "replace", parentKey: open.dedupeKey, reply: { title: "Spike in sshd (40 bans)", tone: "warn" } };
const resolved: OutboxMessage = { ...open, dedupeKey: "spike:sshd:1:resolve:slack:C1", mode: "follow_up", parentKey: open.dedupeKey, reply: { title: "Resolved", tone: "ok" } };

describe("outbox delivery", () => {
  let db: Database;
  let now = 1_000_000;
  const clock = () => now;
  beforeEach(() => {
    db = migratedStore();
  });
  afterEach(() => db.close());

  const deliver = (slack: FakeChatAdapter) => deliverDue({ outbox: createOutbox(db), adapters: new Map([["slack", slack]]), now: clock, log: silentLog });

  it("posts once, then updates in place and follows up in the thread", async () => {
    const outbox = createOutbox(db);
    const slack = new FakeChatAdapter();
    expect(outbox.enqueue([open], now)).toBe(1);
    // The same alert raised again (a restart, a retry) is not queued twice.
    expect(outbox.enqueue([open], now)).toBe(0);
    outbox.enqueue([update, resolved], now);
    await deliver(slack);
    expect(slack.posts.map((p) => [p.reply.title, p.replace?.id, p.followUpOf?.id])).toEqual([
      ["Spike in sshd", undefined, undefined],
      ["Spike in sshd (40 bans)", "m1", undefined],
      ["Resolved", undefined, "m1"],
    ]);
    await deliver(slack);
    expect(slack.posts).toHaveLength(3);
    expect(outbox.pendingCount()).toBe(0);
  });

  it("waits out a rate limit and a platform outage, losing and duplicating nothing", async () => {
    const outbox = createOutbox(db);
    const slack = new FakeChatAdapter();
    outbox.enqueue([open, update], now);
    slack.rateLimitNext(30_000);
    await deliver(slack);
    expect(slack.posts).toHaveLength(0);
    now += 29_000;
    await deliver(slack);
    expect(slack.posts).toHaveLength(0);
    now += 1_000;
    slack.failNext(new Error("500 internal error"));
    await deliver(slack);
    expect(slack.posts).toHaveLength(0);
    now += 60_000;
    await deliver(slack);
    expect(slack.posts.map((p) => p.reply.title)).toEqual(["Spike in sshd", "Spike in sshd (40 bans)"]);
    expect(createOutbox(db).pendingCount()).toBe(0);
  });

  it("gives up only on a permanent refusal", async () => {
    const outbox = createOutbox(db);
    const slack = new FakeChatAdapter();
    outbox.enqueue([open], now);
    slack.failNext(new DeliveryError("channel_not_found", { permanent: true }));
    await deliver(slack);
    now += 3_600_000;
    await deliver(slack);
    expect(slack.posts).toHaveLength(0);
    expect(db.prepare("SELECT state, last_error FROM outbox").get()).toEqual({ state: "failed", last_error: "channel_not_found" });
  });

  it("drops a follow-up whose first post was never queued, without blocking the channel", async () => {
    const outbox = createOutbox(db);
    const slack = new FakeChatAdapter();
    outbox.enqueue([resolved, { ...open, dedupeKey: "other:open:slack:C1", reply: { title: "Other", tone: "info" } }], now);
    await deliver(slack);
    expect(slack.posts.map((p) => p.reply.title)).toEqual(["Other"]);
    expect(outbox.delivery(resolved.dedupeKey)?.state).toBe("failed");
  });

  it("keeps images through the store", async () => {
    const outbox = createOutbox(db);
    const slack = new FakeChatAdapter();
    const png = new Uint8Array([137, 80, 78, 71]);
    outbox.enqueue([{ ...open, reply: { ...open.reply, images: [{ name: "a.png", png, alt: "chart", width: 1, height: 1 }] } }], now);
    await deliver(slack);
    expect(slack.posts[0]?.reply.images?.[0]?.png).toEqual(png);
  });
});
