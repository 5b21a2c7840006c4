import { join } from "node:path";
import Sqlite, { type Database } from "better-sqlite3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deliverDue } from "../../../src/core/alerts/outbox-worker.js";
import type { ChatAdapter } from "../../../src/core/chat.js";
import type { Outbox } from "../../../src/core/ports/outbox.js";
import { failFastOnLocks } from "../../../src/db/open.js";
import { createOutbox } from "../../../src/store/outbox.js";
import { FakeDiscord } from "../../fakes/fake-discord.js";
import { FAKE_GUILD } from "../../fakes/fake-discord-payloads.js";
import { FakeSlack } from "../../fakes/fake-slack.js";
import { postingAdapters } from "../../harness/alert-adapters.js";
import { silentLog } from "../../harness/client.js";
import { migratedStore } from "../../harness/store.js";
import { useTempDir } from "../../harness/temp-dir.js";

const SLACK_CHANNEL = "C0ALERTS";
const MINUTE = 60_000;

// Another process (an admin's sqlite3 shell) takes the store's write lock while an alert is being
// posted: the post goes out, and its record does not go in. The next attempt, once the lock is gone,
// must not post it a second time. The real outbox on an SQLite file that fails fast on a foreign
// lock (as `banbot start` opens it), the real Slack adapter, the fake Slack.
describe("an alert posted while another process took the store's lock", () => {
  const tmp = useTempDir("bb-outbox-lock-");
  let slack: FakeSlack;
  let adapters: Map<"slack" | "discord", ChatAdapter>;
  let db: Database;
  let other: Database;
  let outbox: Outbox;

  beforeAll(async () => {
    slack = await FakeSlack.start();
    const discord = await FakeDiscord.start(FAKE_GUILD);
    adapters = new Map([["slack", postingAdapters(slack, discord).slack]]);
    await discord.close();
  });
  afterAll(() => slack.close());
  beforeEach(() => {
    const file = join(tmp.path, "banbot.sqlite3");
    db = migratedStore(file);
    failFastOnLocks(db);
    outbox = createOutbox(db);
    other = new Sqlite(file);
  });
  afterEach(() => {
    if (other.inTransaction) other.exec("ROLLBACK");
    other.close();
    db.close();
  });

  it("looks for the post in the channel before posting it again", async () => {
    let now = Date.now();
    outbox.enqueue([{ dedupeKey: "locked-1:slack", platform: "slack", channel: SLACK_CHANNEL, mode: "post", reply: { title: "Ban spike in sshd", tone: "warn" } }], now);
    // The lock is taken as Slack receives the post, before its answer reaches BanBot.
    void slack.nextRequest("/api/chat.postMessage").then(() => other.exec("BEGIN IMMEDIATE"));
    await expect(deliverDue({ outbox, adapters, now: () => now, log: silentLog })).rejects.toMatchObject({ code: expect.stringMatching(/^SQLITE_BUSY/) });
    other.exec("COMMIT");

    now += MINUTE;
    await deliverDue({ outbox, adapters, now: () => now, log: silentLog });
    expect(outbox.pendingCount()).toBe(0);
    const posts = (slack.channels.get(SLACK_CHANNEL) ?? []).filter((m) => String(m.text).includes("Ban spike in sshd"));
    expect(posts).toHaveLength(1);
    expect(outbox.sent("locked-1:slack")?.id).toBe(posts[0]!.ts);
  });
});
