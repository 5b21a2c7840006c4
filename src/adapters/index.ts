import type { Logger } from "pino";
import type { Core } from "../compose.js";
import type { Config } from "../config.js";
import type { ChatAdapter } from "../core/chat.js";
import { createDiscordAdapter } from "./discord/client.js";
import { createSlackAdapter } from "./slack/app.js";

/** The chat platforms the configuration enables; either, both or neither. */
export function createChatAdapters(config: Config, core: Core, log: Logger): ChatAdapter[] {
  const adapters: ChatAdapter[] = [];
  if (config.slack) {
    adapters.push(
      createSlackAdapter({ slack: config.slack, commands: config.commands, grants: config.access.grants, dispatcher: core.dispatcher, log }),
    );
  }
  if (config.discord) {
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
