import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createSlackAdapter, type SlackAdapter } from "../../../src/adapters/slack/app.js";
import type { Identity } from "../../../src/core/identity.js";
import type { Reply } from "../../../src/core/reply.js";
import { FakeSlack } from "../../fakes/fake-slack.js";
import { httpDriver, type SlackDriver } from "../../fakes/fake-slack-driver.js";
import { findButton } from "../../fakes/fake-slack-payloads.js";
import { capturedLog } from "../../harness/client.js";
import { TEST_COMMANDS } from "../../harness/test-commands.js";
import { responsesTo, textOf } from "./harness.js";

const CHART = { name: "top", png: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), alt: "top countries", width: 1, height: 1 };

/**
 * A dispatcher that records what it was asked and answers what the test queued: for what the
 * catalogue cannot produce yet (images) and for failures outside any command.
 */
class ScriptedDispatcher {
  readonly calls: { line: string; actor: Identity }[] = [];
  next: Reply | Error | ((progress?: (status: string) => void) => Promise<Reply>) = { title: "ok", tone: "ok" };
  run(line: string, actor: Identity, opts: { progress?: (status: string) => void } = {}): Promise<Reply> {
    this.calls.push({ line, actor });
    if (typeof this.next === "function") return this.next(opts.progress);
    return this.next instanceof Error ? Promise.reject(this.next) : Promise.resolve(this.next);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(["ephemeral", "in_channel"] as const)("Slack listeners (%s results)", (results) => {
  const dispatcher = new ScriptedDispatcher();
  const { log, entries: logged } = capturedLog("info");
  let fake: FakeSlack;
  let adapter: SlackAdapter;
  let slack: SlackDriver;
  beforeAll(async () => {
    fake = await FakeSlack.start();
    adapter = createSlackAdapter({
      slack: fake.slackConfig(),
      commands: { ...TEST_COMMANDS, name: "banbot", results },
      dispatcher,
      log,
      host: "127.0.0.1",
      progressAfterMs: 100,
      progressIntervalMs: 50,
    });
    await adapter.start();
    slack = httpDriver(fake, () => `http://127.0.0.1:${adapter.port}/slack/events`);
  });
  afterAll(async () => {
    await adapter.stop();
    await fake.close();
  });
  beforeEach(() => {
    dispatcher.calls.length = 0;
    dispatcher.next = { title: "ok", tone: "ok" };
    fake.requests.length = 0;
  });

  it("runs the decoded line as the Slack user, in the channel, under the configured name", async () => {
    await responsesTo(fake, await slack.slash("ban 192.0.2.1 &lt;x&gt; &amp;", { command: "/banbot", user: "U0ME", userName: "me", channel: "C0HERE" }));
    expect(dispatcher.calls).toEqual([{ line: "ban 192.0.2.1 <x> &", actor: { platform: "slack", userId: "U0ME", userName: "me", channelId: "C0HERE", groups: [] } }]);
    await responsesTo(fake, await slack.slash("", { command: "/banbot" }));
    expect(dispatcher.calls[1]!.line).toBe("help");
  });

  it(results === "in_channel" ? "shares a result's charts in the channel" : "leaves charts out of a reply only the asker sees", async () => {
    dispatcher.next = { title: "Top countries", tone: "info", images: [CHART] };
    const [reply] = await responsesTo(fake, await slack.slash("top countries", { command: "/banbot", channel: "C0HERE" }));
    expect(reply!.response_type).toBe(results);
    if (results === "in_channel") {
        await expect.poll(() => fake.calls("files.completeUploadExternal").map((c) => c.args.channel_id)).toEqual(["C0HERE"]);
      } else {
        expect(textOf(reply!)).toMatch(/1 chart\(s\) left out/);
        expect(fake.calls("files.getUploadURLExternal")).toEqual([]);
      }
    });

  // Only results in the channel upload charts.
  if (results === "in_channel") {
    it("says why a chart was not shared when Slack refuses the upload (the optional files:write left out)", async () => {
      dispatcher.next = { title: "Top countries", tone: "info", images: [CHART] };
      fake.failNext({ target: "files.getUploadURLExternal", error: "missing_scope" });
      const [reply, note] = await responsesTo(fake, await slack.slash("top countries", { command: "/banbot" }), 2);
      expect(textOf(reply!)).toMatch(/Top countries/);
      expect(note).toEqual({
        response_type: "ephemeral",
        replace_original: false,
        text: "1 chart(s) not shared: this workspace has no chart blocks yet, and uploading charts needs the optional files:write scope (add it to the app and reinstall).",
      });
      expect(logged).toContainEqual(expect.objectContaining({ msg: "could not share a reply's charts" }));
    });
  }

  it("answers an unexpected failure with an incident id, and keeps serving", async () => {
    dispatcher.next = new Error("boom");
    const sent = await slack.slash("status", { command: "/banbot" });
    // On a busy machine a progress note may come first; the error is the message with a ref.
    const reply = await vi.waitFor(() => {
      const found = fake.responses(sent.responseUrl).find((m) => /ref `/.test(textOf(m)));
      if (!found) throw new Error("no error reply yet");
      return found;
    });
    const ref = /ref `([0-9a-f]{6})`/.exec(textOf(reply))?.[1];
    expect(reply.response_type).toBe("ephemeral");
    expect(logged).toContainEqual(expect.objectContaining({ incident: ref, msg: "slack request failed", component: "slack" }));
    dispatcher.next = { title: "fine again", tone: "ok" };
    expect(textOf((await responsesTo(fake, await slack.slash("status", { command: "/banbot" })))[0]!)).toMatch(/fine again/);
  });

  it("updates one note with a long command's progress, then replaces it with the result", async () => {
    dispatcher.next = async (progress) => {
      for (const done of [1, 2, 3]) {
        progress?.(`Banned ${done} of 3`);
        await sleep(150);
      }
      return { title: "Imported drop", tone: "ok" };
    };
    const got = await responsesTo(fake, await slack.slash("blocklist import drop", { command: "/banbot" }), 4);
    expect(got.map((m) => [m.replace_original, textOf(m)])).toEqual([
      [undefined, "⏳ Working on `blocklist import drop`…\nBanned 1 of 3"],
      [true, "⏳ Working on `blocklist import drop`…\nBanned 2 of 3"],
      [true, "⏳ Working on `blocklist import drop`…\nBanned 3 of 3"],
      [true, "✅ Imported drop"],
    ]);
  });

  it("keeps a refusal to a click on a shared message private", async () => {
    dispatcher.next = { title: "Not allowed", tone: "error", private: true };
    const button = findButton({ blocks: [{ type: "actions", elements: [{ action_id: "f2b:0", value: "unban 192.0.2.1", text: { type: "plain_text", text: "Unban" } }] }] }, "Unban");
    const [reply] = await responsesTo(fake, await slack.click(button, { user: "U0VIEW", ephemeral: false }));
    expect(reply).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(dispatcher.calls[0]).toMatchObject({ line: "unban 192.0.2.1", actor: { userId: "U0VIEW", channelId: "C0TEST" } });
  });
});
