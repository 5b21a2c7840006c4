import type { Logger } from "pino";
import type { Core } from "../compose.js";
import type { Config } from "../config.js";
import type { ChatAdapter } from "../core/chat.js";
import { CHAT_PLATFORM_NAMES } from "../core/platforms.js";
import type { ChatAdapterEntry } from "./entry.js";
import { CHAT_ADAPTERS } from "./list.js";

/**
 * The chat platforms the configuration enables; any, all or none. Each SDK is imported only
 * when its platform is configured: discord.js and bolt take most of a second and about 45 MB
 * resident, which a process serving one platform (or, running only the jobs, none) has no use for.
 */
export async function createChatAdapters(config: Config, core: Core, log: Logger): Promise<ChatAdapter[]> {
  const adapters: ChatAdapter[] = [];
  for (const platform of CHAT_PLATFORM_NAMES) {
    const settings = config.platforms[platform];
    const entry: ChatAdapterEntry<unknown> = CHAT_ADAPTERS[platform];
    if (settings !== undefined) adapters.push(await entry.create(settings, { config, core, log }));
  }
  return adapters;
}
