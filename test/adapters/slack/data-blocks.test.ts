import { hostname } from "node:os";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSlackAdapter, type SlackAdapter } from "../../../src/adapters/slack/app.js";
import { DataBlockSupport, isBlocksRefusal, kindsIn } from "../../../src/adapters/slack/data-support.js";
import { errorReply, type Reply } from "../../../src/core/reply.js";
import { createHistoryArchive } from "../../../src/store/history-archive.js";
import { FakeSlack } from "../../fakes/fake-slack.js";
import { findButton } from "../../fakes/fake-slack-payloads.js";
import { silentLog } from "../../harness/client.js";
import { TEST_COMMANDS } from "../../harness/test-commands.js";
import { ACCESS_YAML, responsesTo, resultOf, useSlackBot } from "./harness.js";

// Results in the channel, where charts that are not chart blocks are uploaded.
const IN_CHANNEL_YAML = ACCESS_YAML.replace("commands:\n", "commands:\n  results: in_channel\n");

type Message = Record<string, unknown>;
const types = (message: Message) => (message.blocks as { type: string }[]).map((b) => b.type);

function archiveBans(s: ReturnType<typeof useSlackBot>): void {
  const at = s.bot.clock.now() - 3_600_000;
  createHistoryArchive(s.bot.db).add(
    ["192.0.2.1", "192.0.2.2", "192.0.2.1", "198.51.100.7"].map((ip, i) => ({
      host: hostname(), jail: "alpha", ip, kind: "ban" as const, at: at + i, banTime: at / 1000, banSeconds: 600, banCount: 1, failures: 5, origin: "fail2ban" as const,
    })),
  );
}

describe("Slack data blocks through bolt, per workspace", () => {
  const s = useSlackBot({ mode: "http", yaml: IN_CHANNEL_YAML });
  beforeAll(() => archiveBans(s));

  it("shows `top` as a data table and a native chart where the workspace has them, uploading no file; falls back to a text table and an uploaded PNG when Slack answers invalid_blocks, and remembers that for the workspace", async () => {
    const reply = await resultOf(s.fake, await s.slack.slash("top ips 30d"));
    expect(reply.response_type).toBe("in_channel");
    expect(types(reply)).toEqual(["header", "data_table", "actions", "data_visualization"]);
    expect(reply.blocks).toContainEqual(expect.objectContaining({ type: "data_visualization", title: "Top ips by bans" }));
    expect(s.fake.calls("files.getUploadURLExternal")).toHaveLength(0);

    // Then Slack answers invalid_blocks: a text table and an uploaded PNG, and the workspace is
    // remembered as one without data blocks.
    s.fake.withoutBlocks();
    const first = await s.slack.slash("top countries 30d");
    // Charts are dropped first (the newer block), then tables: two refusals, then the text reply.
    const sent = await responsesTo(s.fake, first, 3);
    expect(sent.map(types)).toEqual([
      ["header", "data_table", "data_visualization"],
      ["header", "data_table"],
      ["header", "section"],
    ]);
    expect(String((sent[2]!.blocks as { text?: { text: string } }[])[1]!.text?.text)).toMatch(/^```\n# {2}country/);
    const [upload] = await nonEmpty(() => s.fake.calls("files.completeUploadExternal"));
    expect(upload!.args).toMatchObject({ channel_id: "C0TEST", files: [{ title: expect.stringMatching(/^Bar chart of the 1 countries/) }] });

    // The next reply, typed or clicked, goes straight to the fallback.
    const refusals = s.fake.refusedBlocks.length;
    const again = await s.slack.slash("top ips 30d");
    const fallback = await resultOf(s.fake, again);
    expect(s.fake.responses(again.responseUrl)).toHaveLength(1);
    expect(types(fallback)).toEqual(["header", "section", "actions"]);
    const clicked = await s.slack.click(findButton(fallback, "History 192.0.2.1"));
    expect(types(await resultOf(s.fake, clicked))).not.toContain("data_table");
    expect(s.fake.responses(clicked.responseUrl)).toHaveLength(1);
    expect(s.fake.refusedBlocks).toHaveLength(refusals);
  });
});

describe("a Slack workspace with tables but not yet charts", () => {
  const s = useSlackBot({ mode: "socket", yaml: IN_CHANNEL_YAML });
  beforeAll(() => archiveBans(s));

  it("keeps data tables and uploads the chart", async () => {
    s.fake.withoutBlocks(["data_visualization"]);
    const first = await s.slack.slash("top ips 30d");
    expect((await responsesTo(s.fake, first, 2)).map(types)).toEqual([
      ["header", "data_table", "actions", "data_visualization"],
      ["header", "data_table", "actions"],
    ]);
    await nonEmpty(() => s.fake.calls("files.completeUploadExternal"));
    const next = await s.slack.slash("history 30d");
    expect(types(await resultOf(s.fake, next))).toContain("data_table");
    expect(s.fake.responses(next.responseUrl)).toHaveLength(1);
  });
});

describe("Slack alerts with data blocks", () => {
  let fake: FakeSlack;
  let adapter: SlackAdapter;
  const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
  const SPIKE: Reply = {
    title: "Ban spike in sshd on web1",
    tone: "warn",
    text: "42 bans in the last 10 minutes, about 3 usually.",
    images: [{ name: "spike-sshd.png", png: PNG, alt: "bans per minute", width: 1, height: 1, chart: { kind: "timeline", title: "Bans per minute", categories: ["09:40", "09:41"], series: [{ name: "sshd", values: [12, 30] }], valueLabel: "bans" } }],
    actions: [{ label: "Show banned", command: "banned sshd" }],
  };
  beforeAll(async () => {
    fake = await FakeSlack.start();
    adapter = createSlackAdapter({ slack: fake.slackConfig(), commands: TEST_COMMANDS, dispatcher: { run: () => Promise.resolve(errorReply("unused")) }, log: silentLog, host: "127.0.0.1" });
    await adapter.start();
  });
  afterAll(async () => {
    await adapter.stop();
    await fake.close();
  });

  it("posts the spike's rate as a chart block, and as an uploaded image in a workspace without it, from then on directly", async () => {
    const native = await adapter.post("C0ALERTS", SPIKE);
    expect(types(fake.calls("chat.postMessage")[0]!.args)).toEqual(["header", "section", "data_visualization", "actions"]);
    expect(fake.calls("files.getUploadURLExternal")).toHaveLength(0);

    fake.withoutBlocks();
    const update = await adapter.post("C0ALERTS", SPIKE, { replace: native });
    expect(update).toEqual(native);
    expect(fake.calls("chat.update").map((c) => types(c.args))).toEqual([
      ["header", "section", "data_visualization", "actions"],
      ["header", "section", "actions"],
    ]);
    // An update replaces the message in place; its images are not shared again.
    expect(fake.calls("files.completeUploadExternal")).toHaveLength(0);

    await adapter.post("C0ALERTS", SPIKE, { followUpOf: native });
    expect(types(fake.calls("chat.postMessage")[1]!.args)).toEqual(["header", "section", "actions"]);
    expect(fake.calls("files.completeUploadExternal")[0]!.args).toMatchObject({ channel_id: "C0ALERTS", thread_ts: native.id });
    expect(fake.refusedBlocks).toHaveLength(1);
  });
});

describe("DataBlockSupport", () => {
  it("remembers refusals per workspace and per kind, and tries again after a day", () => {
    let now = 0;
    const support = new DataBlockSupport({ now: () => now });
    support.refused("T1", ["data_visualization"]);
    expect([...support.allowed("T1")]).toEqual(["data_table"]);
    expect([...support.allowed("T2")]).toEqual(["data_table", "data_visualization"]);
    now += 86_400_000 - 1;
    expect(support.allowed("T1").has("data_visualization")).toBe(false);
    now += 1;
    expect(support.allowed("T1").has("data_visualization")).toBe(true);
  });

  it("knows Slack's refusals: invalid_blocks from the Web API, also wrapped, and from a response_url's answer", () => {
    expect(isBlocksRefusal({ code: "slack_webapi_platform_error", data: { error: "invalid_blocks" } })).toBe(true);
    expect(isBlocksRefusal(new Error("refused", { cause: { data: { error: "invalid_blocks" } } }))).toBe(true);
    expect(isBlocksRefusal({ statusCode: 400, refusal: "invalid_blocks" })).toBe(true);
    expect(isBlocksRefusal({ code: "slack_bolt_respond_error", statusCode: 400 })).toBe(false);
    expect(isBlocksRefusal({ statusCode: 400, refusal: "no_text" })).toBe(false);
    expect(isBlocksRefusal({ data: { error: "channel_not_found" } })).toBe(false);
    expect(isBlocksRefusal({ statusCode: 404 })).toBe(false);
    expect(kindsIn([{ type: "header" }, { type: "data_visualization" }])).toEqual(["data_visualization"]);
  });
});

/** What `get` gives once it is not empty (uploads follow the reply). */
async function nonEmpty<T extends unknown[]>(get: () => T): Promise<T> {
  return await vi.waitFor(() => {
    const got = get();
    if (got.length === 0) throw new Error("nothing yet");
    return got;
  });
}
