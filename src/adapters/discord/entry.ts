import { z } from "zod";
import { httpUrl } from "../../config/schema-parts.js";
import { defineChatAdapter } from "../entry.js";

export interface DiscordConfig {
  token: string;
  applicationId: string;
  guildId: string | undefined;
  apiUrl: string | undefined;
}

const snowflake = z.string().regex(/^\d{17,20}$/, "expected a Discord ID: 17–20 digits");

export const discordAdapter = defineChatAdapter({
  env: {
    DISCORD_TOKEN: z.string().optional().describe("Discord bot token; enables Discord"),
    DISCORD_APPLICATION_ID: snowflake.optional().describe("Discord application ID"),
    DISCORD_GUILD_ID: snowflake.optional().describe("register commands in this guild only"),
    DISCORD_API_URL: httpUrl.optional().describe("Discord REST API base URL override"),
  },
  check(set) {
    if (set("DISCORD_TOKEN") && !set("DISCORD_APPLICATION_ID")) {
      return [{ path: "DISCORD_APPLICATION_ID", message: "required with DISCORD_TOKEN (Developer Portal → your app → General Information)" }];
    }
    if (!set("DISCORD_TOKEN") && (set("DISCORD_APPLICATION_ID") || set("DISCORD_GUILD_ID"))) {
      return [{ path: "DISCORD_TOKEN", message: "required because other DISCORD_* variables are set" }];
    }
    return [];
  },
  settings: (env): DiscordConfig | undefined =>
    env.DISCORD_TOKEN === undefined || env.DISCORD_APPLICATION_ID === undefined
      ? undefined
      : { token: env.DISCORD_TOKEN, applicationId: env.DISCORD_APPLICATION_ID, guildId: env.DISCORD_GUILD_ID, apiUrl: env.DISCORD_API_URL },
  async create(discord, { config, core, log }) {
    const { createDiscordAdapter } = await import("./client.js");
    const { fail2ban, catalogue } = core.services;
    return createDiscordAdapter({ discord, commands: config.commands, dispatcher: core.dispatcher, fail2ban, catalogue, log, ...(core.fleet ? { fleet: core.fleet } : {}) });
  },
});
