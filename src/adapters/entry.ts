import type { Logger } from "pino";
import type { z } from "zod";
import type { Core } from "../compose.js";
import type { Config } from "../config.js";
import type { ConfigProblem } from "../config/issues.js";
import type { ChatAdapter } from "../core/chat.js";

/**
 * Everything about one chat platform that is not in the core registry (src/core/platforms.ts):
 * how it connects. Config reads its environment variables through this, and `start` builds its
 * adapter through `create`, so a platform's settings live in its own folder.
 */
export interface ChatAdapterEntry<Settings> {
  /** Its environment variables, each `.describe()`d for the configuration reference. */
  env: z.ZodRawShape;
  /** Rules across its variables (one needs another); `set` says whether a variable has a value. */
  check(set: (name: string) => boolean): ConfigProblem[];
  /** Its connection settings from the validated environment; undefined when they do not enable it. */
  settings(env: Record<string, unknown>): Settings | undefined;
  /** Its adapter; it imports its SDK here, so a process that does not serve the platform never loads it. */
  create(settings: Settings, deps: { config: Config; core: Core; log: Logger }): Promise<ChatAdapter>;
}

/** An entry whose `settings` sees its own variables typed, as its `env` shape parses them. */
export function defineChatAdapter<Shape extends z.ZodRawShape, Settings>(entry: {
  env: Shape;
  check: ChatAdapterEntry<Settings>["check"];
  settings(env: z.output<z.ZodObject<Shape>>): Settings | undefined;
  create: ChatAdapterEntry<Settings>["create"];
}): ChatAdapterEntry<Settings> {
  return { ...entry, settings: (env) => entry.settings(env as z.output<z.ZodObject<Shape>>) };
}
