import { vi } from "vitest";
import type { FakeSlack } from "../fakes/fake-slack.js";
import { socketDriver } from "../fakes/fake-slack-driver.js";

/**
 * `/f2b <text>` typed by `user` in Slack (Socket Mode, to a bot connected to the fake); resolves to
 * the bot's final reply at the response_url, as JSON text for matching.
 */
export async function askOverSlack(slack: FakeSlack, text: string, user: string): Promise<string> {
  const sent = await socketDriver(slack).slash(text, { user, channel: "C0SECOPS" });
  return await vi.waitFor(
    () => {
      const last = slack.responses(sent.responseUrl).at(-1);
      if (last === undefined || String(last.text).startsWith("⏳")) throw new Error(`no reply to "${text}" yet`);
      return JSON.stringify(last);
    },
    { timeout: 20_000, interval: 50 },
  );
}
