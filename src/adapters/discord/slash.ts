import { ApplicationCommandOptionType, type CommandInteractionOption } from "discord.js";
import type { DiscordPlacement } from "./schema.js";
import type { AnyCommand } from "../../core/services.js";

export interface LeafOption {
  name: string;
  value: string | number | boolean;
  focused: boolean;
}

export interface Invoked {
  command: AnyCommand;
  options: LeafOption[];
}

/**
 * The catalogue command an interaction's options name (`/f2b <sub>` or `/f2b <group> <sub>`) and
 * its filled options. Undefined when the subcommand is unknown: Discord still shows commands from
 * an older registration until `banbot register` runs again.
 */
export function invokedCommand(data: readonly CommandInteractionOption[], layout: readonly DiscordPlacement[]): Invoked | undefined {
  const [top] = data;
  if (!top) return undefined;
  const isGroup = top.type === ApplicationCommandOptionType.SubcommandGroup;
  const sub = isGroup ? top.options?.[0] : top;
  if (!sub || sub.type !== ApplicationCommandOptionType.Subcommand) return undefined;
  const group = isGroup ? top.name : undefined;
  const placement = layout.find((p) => p.group === group && p.subcommand === sub.name);
  if (!placement) return undefined;
  const options = (sub.options ?? []).flatMap((o): LeafOption[] =>
    o.value === undefined ? [] : [{ name: o.name, value: o.value, focused: o.focused === true }],
  );
  return { command: placement.command, options };
}
