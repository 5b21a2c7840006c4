import { COMMANDS } from "../../commands/index.js";
import { createDiscordAdapter } from "../../src/adapters/discord/client.js";
import { createSlackAdapter } from "../../src/adapters/slack/app.js";
import type { ChatAdapter } from "../../src/core/chat.js";
import { errorReply } from "../../src/core/reply.js";
import { FakeDiscord } from "../fakes/fake-discord.js";
import { FAKE_GUILD } from "../fakes/fake-discord-payloads.js";
import { FakeSlack } from "../fakes/fake-slack.js";
import { silentLog } from "./client.js";
import { TEST_COMMANDS } from "./test-commands.js";

/**
 * The real Slack and Discord adapters against the fakes, for posting alerts: not started (no Socket
 * Mode, no gateway), and no command ever reaches them.
 */
export function postingAdapters(slack: FakeSlack, discord: FakeDiscord): { slack: ChatAdapter; discord: ChatAdapter } {
  return {
    slack: createSlackAdapter({ slack: slack.slackConfig(), commands: TEST_COMMANDS, dispatcher: { run: () => Promise.resolve(errorReply("unused")) }, log: silentLog }),
    discord: createDiscordAdapter({
      discord: { token: "fake-bot-token", applicationId: FAKE_GUILD.applicationId, guildId: undefined, apiUrl: discord.apiUrl },
      commands: TEST_COMMANDS,
      dispatcher: { run: () => Promise.resolve(errorReply("unused")), mayRun: () => false },
      fail2ban: { status: () => Promise.resolve({ jails: [] }), bannedIps: () => Promise.resolve([]), banned: () => Promise.resolve(new Map()) },
      catalogue: COMMANDS,
      log: silentLog,
    }),
  };
}

/** A fake Slack and a fake Discord started, with the posting adapters by platform, as the outbox worker takes them. */
export async function startPostingFakes(): Promise<{ slack: FakeSlack; discord: FakeDiscord; adapters: Map<"slack" | "discord", ChatAdapter>; close: () => Promise<void> }> {
  const slack = await FakeSlack.start();
  const discord = await FakeDiscord.start(FAKE_GUILD);
  const posting = postingAdapters(slack, discord);
  const adapters = new Map<"slack" | "discord", ChatAdapter>([
    ["slack", posting.slack],
    ["discord", posting.discord],
  ]);
  return { slack, discord, adapters, close: async () => void (await Promise.all([slack.close(), discord.close()])) };
}
