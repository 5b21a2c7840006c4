import type { ChatPlatform } from "../core/platforms.js";
import { discordAdapter } from "./discord/entry.js";
import type { ChatAdapterEntry } from "./entry.js";
import { slackAdapter } from "./slack/entry.js";

// The one place an adapter is plugged in: one entry per platform of the core registry
// (src/core/platforms.ts), which the compiler demands, and none besides.
export const CHAT_ADAPTERS = {
  slack: slackAdapter,
  discord: discordAdapter,
} satisfies AdapterList;

/** An adapter entry for every platform of the registry. */
export type AdapterList = { [P in ChatPlatform]: ChatAdapterEntry<unknown> };

/** Each platform's connection settings (`config.platforms.slack`…); undefined where it is off. */
export type PlatformSettings = {
  [P in ChatPlatform]: (typeof CHAT_ADAPTERS)[P] extends ChatAdapterEntry<infer S> ? S | undefined : never;
};
