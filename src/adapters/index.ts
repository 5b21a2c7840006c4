import type { Logger } from "pino";
import type { Core } from "../compose.js";
import type { Config } from "../config.js";
import type { ChatAdapter } from "../core/chat.js";
import { CHAT_PLATFORM_NAMES, type ChatPlatform } from "../core/platforms.js";

/** A platform's adapter when the configuration enables it; undefined when it does not. */
type AdapterFactory = (config: Config, core: Core, log: Logger) => Promise<ChatAdapter | undefined>;

// One per platform of the registry (src/core/platforms.ts): the compiler asks for a new one's.
const FACTORIES: Record<ChatPlatform, AdapterFactory> = {
  async slack(config, core, log) {
    if (!config.slack) return undefined;
    const { createSlackAdapter } = await import("./slack/app.js");
    return createSlackAdapter({ slack: config.slack, commands: config.commands, grants: config.access.grants, dispatcher: core.dispatcher, log });
  },
  async discord(config, core, log) {
    if (!config.discord) return undefined;
    const { createDiscordAdapter } = await import("./discord/client.js");
    return createDiscordAdapter({
      discord: config.discord,
      commands: config.commands,
      dispatcher: core.dispatcher,
      fail2ban: core.services.fail2ban,
      catalogue: core.services.catalogue,
      log,
    });
  },
};

/**
 * The chat platforms the configuration enables; any, all or none. Each SDK is imported only
 * when its platform is configured: discord.js and bolt take most of a second and about 45 MB
 * resident, which a process serving one platform (or, running only the jobs, none) has no use for.
 */
export async function createChatAdapters(config: Config, core: Core, log: Logger): Promise<ChatAdapter[]> {
  const adapters: ChatAdapter[] = [];
  for (const platform of CHAT_PLATFORM_NAMES) {
    const adapter = await FACTORIES[platform](config, core, log);
    if (adapter) adapters.push(adapter);
  }
  return adapters;
}
