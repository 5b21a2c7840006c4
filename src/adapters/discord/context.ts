import type { Logger } from "pino";
import { commandOfLine } from "../../core/command/parse.js";
import type { DiscordPlacement } from "./schema.js";
import type { Dispatcher } from "../../core/dispatch.js";
import type { Reply } from "../../core/reply.js";
import type { AnyCommand } from "../../core/services.js";
import type { ActionKeys } from "./action-keys.js";
import { renderMessage, type DiscordMessage, type MessageOptions } from "./message.js";
import type { Suggestions } from "./suggest.js";

/** What the interaction handlers share; built once per adapter. */
export interface HandlerContext {
  commandName: string;
  layout: readonly DiscordPlacement[];
  catalogue: readonly AnyCommand[];
  dispatcher: Pick<Dispatcher, "run" | "mayRun">;
  suggestions: Suggestions;
  /** Fleet mode: commands that run on hosts take the `on` option. */
  fleet: boolean;
  keys: ActionKeys;
  /** Answer within this or defer: Discord drops an interaction not acknowledged in 3 seconds. */
  deferAfterMs: number;
  log: Logger;
}

export function render(ctx: HandlerContext, reply: Reply, opts: MessageOptions = {}): DiscordMessage {
  return renderMessage(reply, ctx.keys.ref, opts);
}

/** The line again when running it again is harmless (it only reads), so a long table can show its other views. */
export function rerunnable(ctx: HandlerContext, line: string): string | undefined {
  return commandOfLine(ctx.catalogue, line)?.effect === "read" ? line : undefined;
}
