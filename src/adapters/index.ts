import type { Logger } from "pino";
import type { Core } from "../compose.js";
import type { Config } from "../config.js";
import type { ChatAdapter } from "../core/chat.js";

/**
 * The chat platforms the configuration enables; either, both or neither. Each SDK is imported only
 * when its platform is configured: discord.js and bolt take most of a second and about 45 MB
 * resident, which a process serving one platform (or, running only the jobs, none) has no use for.
 */
export async function createChatAdapters(config: Config, core: Core, log: Logger): Promise<ChatAdapter[]> {
  const adapters: ChatAdapter[] = [];
  if (config.slack) {
    const { createSlackAdapter } = await import("./slack/app.js");
    adapters.push(
      createSlackAdapter({ slack: config.slack, commands: config.commands, grants: config.access.grants, dispatcher: core.dispatcher, log }),
    );
  }
  if (config.discord) {
    const { createDiscordAdapter } = await import("./discord/client.js");
    adapters.push(
      createDiscordAdapter({
        discord: config.discord,
        commands: config.commands,
        dispatcher: core.dispatcher,
        fail2ban: core.services.fail2ban,
        catalogue: core.services.catalogue,
        log,
      }),
    );
  }
  return adapters;
}
