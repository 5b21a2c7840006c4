import { UserError } from "../../core/errors.js";
import { formatRawLine } from "../../core/command/format.js";
import { splitValues } from "../../core/command/kinds.js";
import type { CommandDef, OptionSpec } from "../../core/command/model.js";

// The Discord surface of the catalogue: one `/f2b` chat-input command with a subcommand per
// command. Interactions come back through valuesFromDiscord as a text line, so Discord and Slack
// share one parser and one validation path. Limits are Discord's:
// https://discord.com/developers/docs/interactions/application-commands#application-command-object

const LIMIT = { entries: 25, options: 25, choices: 25, description: 100, total: 4000 } as const;
const NAME = /^[-_\p{L}\p{N}]{1,32}$/u;
const TYPE = { subcommand: 1, group: 2, string: 3, integer: 4 } as const;
const SEVERAL = " (several: separate with spaces)";
/** Descriptions are clipped to no less than this to fit the total; below it, they would say too little. */
const MIN_DESCRIPTION = 40;

/**
 * In fleet mode every command that runs on hosts takes `on`: a host, a group, several joined by
 * commas, or `all`, suggested from the hosts the front knows. Its value becomes the text line's
 * trailing `on …`, so Discord and the text surfaces go through the same target parsing.
 */
export const ON_OPTION = "on";
const ON_DESCRIPTION = "host, group, a,b or all";

export interface DiscordOptionJson {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  autocomplete?: boolean;
  choices?: { name: string; value: string }[];
  min_value?: number;
  max_value?: number;
  options?: DiscordOptionJson[];
}

export interface DiscordCommandJson {
  type: 1;
  name: string;
  description: string;
  options: DiscordOptionJson[];
}

/** Where a command sits under `/f2b`: `/f2b <subcommand>` or `/f2b <group> <subcommand>`. */
export interface DiscordPlacement {
  command: CommandDef;
  group?: string;
  subcommand: string;
}

/**
 * Flat while the catalogue fits Discord's 25 subcommands, each under its name. Beyond that, commands
 * whose paths share a first word (`blocklist add`, `blocklist edit`) become a group. A command whose
 * path is that word alone joins its group as `show` when it takes no required option (`alerts` →
 * `/f2b alerts show` beside `/f2b alerts mute`); one that does (`unban` beside `unban all`) keeps them
 * all flat, since a group and a subcommand cannot share a name. Still too many is an error: better a
 * clear failure at registration than a hidden command.
 */
export function discordLayout(all: readonly CommandDef[]): DiscordPlacement[] {
  const catalogue = all.filter((c) => !c.internal);
  if (catalogue.length <= LIMIT.entries) return catalogue.map((command) => ({ command, subcommand: command.name }));
  const groupOf = ({ path }: CommandDef): string | undefined => (path.length > 1 ? path[0] : undefined);
  const count = new Map<string, number>();
  for (const command of catalogue) {
    const group = groupOf(command);
    if (group) count.set(group, (count.get(group) ?? 0) + 1);
  }
  const bare = (word: string) => catalogue.find((c) => c.path.length === 1 && c.path[0] === word);
  const grouped = (word: string | undefined): word is string =>
    word !== undefined && (count.get(word) ?? 0) >= 2 && !bare(word)?.options.some((o) => o.required && !o.internal);
  const placements = catalogue.map((command): DiscordPlacement => {
    const group = groupOf(command);
    if (grouped(group)) return { command, group, subcommand: command.path.slice(1).join("-") };
    if (command.path.length === 1 && grouped(command.path[0])) return { command, group: command.path[0], subcommand: "show" };
    return { command, subcommand: command.name };
  });
  const entries = new Set(placements.map((p) => p.group ?? `/${p.subcommand}`)).size;
  if (entries > LIMIT.entries) {
    throw new Error(
      `Discord allows ${LIMIT.entries} subcommands under one command; the catalogue needs ${entries} even after ` +
        "grouping commands by the first word of their path. Give related commands a shared first word, or merge some.",
    );
  }
  return placements;
}

/** Whether a command takes Discord's `on` option: in fleet mode, every command that runs on hosts. */
export function takesTarget(command: Pick<CommandDef, "front">, fleet: boolean): boolean {
  return fleet && command.front !== true;
}

/**
 * `/f2b` as Discord registers it. Over Discord's total of characters (the `on` option of fleet mode
 * costs one per command), the longest descriptions are clipped to the largest length that fits:
 * `help` still has every word.
 */
export function discordCommandJson(
  catalogue: readonly CommandDef[],
  { name = "f2b", description = "fail2ban from Discord: bans, jails, status", fleet = false }: { name?: string; description?: string; fleet?: boolean } = {},
): DiscordCommandJson {
  let json = commandJson(catalogue, { name, description, fleet, cap: LIMIT.description });
  for (let cap = LIMIT.description - 1; characters(json) > LIMIT.total && cap >= MIN_DESCRIPTION; cap--) {
    json = commandJson(catalogue, { name, description, fleet, cap });
  }
  const total = characters(json);
  if (total > LIMIT.total) {
    throw new Error(
      `Discord allows ${LIMIT.total} characters of names and descriptions per command; the catalogue has ${total} even with descriptions ` +
        `clipped to ${MIN_DESCRIPTION}. Shorten summaries or option descriptions.`,
    );
  }
  return json;
}

function commandJson(catalogue: readonly CommandDef[], opts: { name: string; description: string; fleet: boolean; cap: number }): DiscordCommandJson {
  const options: DiscordOptionJson[] = [];
  for (const placement of discordLayout(catalogue)) {
    const sub = subcommandJson(placement, opts);
    if (placement.group === undefined) {
      options.push(sub);
      continue;
    }
    let group = options.find((o) => o.type === TYPE.group && o.name === placement.group);
    if (!group) {
      group = { type: TYPE.group, name: checkName(placement.group), description: `${placement.group} commands`, options: [] };
      options.push(group);
    }
    group.options?.push(sub);
    if ((group.options?.length ?? 0) > LIMIT.entries) throw new Error(`Discord group \`${group.name}\` has over ${LIMIT.entries} subcommands.`);
  }
  return { type: 1, name: checkName(opts.name), description: clip(opts.description), options };
}

/** Discord wants required options first; values come back by name, so the order is free. */
export function discordOptionOrder(command: Pick<CommandDef, "options">): OptionSpec[] {
  const typed = command.options.filter((o) => !o.internal);
  return [...typed.filter((o) => o.required), ...typed.filter((o) => !o.required)];
}

/** The text line an interaction's options stand for; a `multiple` option may list values with spaces or commas. */
export function valuesFromDiscord(
  command: CommandDef,
  options: readonly { name: string; value: string | number | boolean }[],
): string {
  const texts = new Map<string, string[]>();
  for (const { name, value } of options) {
    const spec = command.options.find((o) => o.name === name);
    if (!spec) {
      throw new UserError("invalid_argument", `\`${command.name}\` has no option \`${name.slice(0, 32)}\`; BanBot's Discord commands may need registering again.`);
    }
    const text = String(value).trim();
    texts.set(name, splitValues(spec, text));
  }
  return formatRawLine(command, texts);
}

function subcommandJson({ command, subcommand }: DiscordPlacement, { fleet, cap }: { fleet: boolean; cap: number }): DiscordOptionJson {
  const options = discordOptionOrder(command).map(optionJson);
  if (takesTarget(command, fleet)) {
    if (options.some((o) => o.name === ON_OPTION)) throw new Error(`\`${command.name}\` has an option \`${ON_OPTION}\`, which fleet mode's target takes on Discord.`);
    // Optional, so after every required one, as Discord wants.
    options.push({ type: TYPE.string, name: ON_OPTION, description: ON_DESCRIPTION, required: false, autocomplete: true });
  }
  if (options.length > LIMIT.options) throw new Error(`\`${command.name}\` has over ${LIMIT.options} options, Discord's limit.`);
  return { type: TYPE.subcommand, name: checkName(subcommand), description: clip(command.summary, cap), options };
}

function optionJson(spec: OptionSpec): DiscordOptionJson {
  const description = spec.multiple ? clip(spec.description, LIMIT.description - SEVERAL.length) + SEVERAL : clip(spec.description);
  const json: DiscordOptionJson = {
    type: spec.kind === "int" ? TYPE.integer : TYPE.string,
    name: checkName(spec.name),
    description,
    required: spec.required === true,
  };
  if (spec.kind === "int" && spec.min !== undefined) json.min_value = spec.min;
  if (spec.kind === "int" && spec.max !== undefined) json.max_value = spec.max;
  if (spec.kind === "enum") {
    // Discord refuses autocomplete beside fixed choices, and more than 25 choices.
    if (spec.autocomplete !== undefined || spec.values.length > LIMIT.choices) {
      throw new Error(`Option \`${spec.name}\` needs at most ${LIMIT.choices} values and no autocomplete to be Discord choices.`);
    }
    json.choices = spec.values.map((value) => ({ name: value, value }));
  }
  if (spec.autocomplete !== undefined) json.autocomplete = true;
  return json;
}

function checkName(name: string): string {
  if (!NAME.test(name) || name !== name.toLowerCase()) {
    throw new Error(`\`${name}\` cannot be a Discord name: lower-case letters, digits, - and _, at most 32.`);
  }
  return name;
}

function clip(text: string, max: number = LIMIT.description): string {
  const chars = [...text.trim()];
  if (chars.length === 0) throw new Error("Discord needs a description for every command and option.");
  if (chars.length <= max) return chars.join("");
  // At a word's end where one is near, rather than inside a word.
  const cut = chars.slice(0, max - 1).join("");
  const space = cut.lastIndexOf(" ");
  return `${(space >= max * 0.7 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/u, "")}…`;
}

function characters(option: { name: string; description: string; options?: DiscordOptionJson[]; choices?: { name: string; value: string }[] }): number {
  const own = [...option.name].length + [...option.description].length;
  const choices = (option.choices ?? []).reduce((sum, c) => sum + [...c.name].length + [...c.value].length, 0);
  return own + choices + (option.options ?? []).reduce((sum, o) => sum + characters(o), 0);
}
