import { parseDuration } from "../duration.js";
import { UserError } from "../errors.js";
import { claims, expectation, isRest, labelOf, orList, readValue, shown, splitValues } from "./kinds.js";
import type { CommandDef, OptionSpec } from "./model.js";
import { tokenize, type Token } from "./tokenize.js";

// How a line is read, after the command name, token by token:
//   1. `--confirm=<token>` anywhere is taken out first (confirmation buttons append it).
//   2. `--<option>=<value>` fills that option by name (what Discord and the formatter use when
//      position alone would be ambiguous); a `multiple` value may list several, split on spaces or commas.
//   3. An option's keyword (`for`) takes the next token as its value (`rest` text: all of them).
//   4. A token right after a `multiple` option's value joins it while it parses as that kind.
//   5. Otherwise it goes to the first positional option, in definition order, that is still empty
//      and whose kind accepts it; an empty optional one that rejects it is passed over (so
//      `banned sshd foo` is a search, `audit U01ADMIN 7d` fills user then since), an empty
//      required one that rejects it is the error, and so is an empty optional one that the token was
//      evidently meant for (`history 999.9.9.9`: an address, not a jail). `rest` text takes the
//      remainder of the line.
// Only unquoted tokens are keywords or `--…=`; quoting makes any word a plain value.
// A command is named by its declared path, `blocklist add …`, or by its name, the path's words
// joined, `blocklist-add …`. The longest path a line starts with wins over a shorter one's options.

export interface ParsedCommand {
  command: CommandDef;
  values: Record<string, unknown>;
  confirmToken?: string;
}

const NAMED = /^--([A-Za-z][\w-]*)=(.*)$/s;
const CONFIRM_TOKEN = /^[A-Za-z0-9_-]{6,64}$/;

/** What a Confirm button runs: the confirmed line with its token, which parseCommandLine takes out. */
export function withConfirmToken(commandLine: string, token: string): string {
  return `${commandLine} --confirm=${token}`;
}

export function hasConfirmToken(line: string): boolean {
  // includes() first: the regex would try every position of an `unban` button's 20,000 addresses.
  return line.includes("--confirm=") && /(^|\s)--confirm=/.test(line);
}

export function withoutConfirmToken(line: string): string {
  return line.replace(/\s*--confirm=\S+/, "");
}

export function parseCommandLine(catalogue: readonly CommandDef[], line: string): ParsedCommand {
  let confirmToken: string | undefined;
  const tokens: Token[] = [];
  for (const token of tokenize(line)) {
    const named = token.quoted ? null : NAMED.exec(token.text);
    if (named?.[1]?.toLowerCase() !== "confirm") {
      tokens.push(token);
      continue;
    }
    const value = named[2] ?? "";
    if (confirmToken !== undefined || !CONFIRM_TOKEN.test(value)) {
      throw new UserError("invalid_argument", "That confirmation is not valid; run the command again.");
    }
    confirmToken = value;
  }
  if (tokens.length === 0) throw new UserError("invalid_argument", "No command given. Type `help` for the list.");
  const { command, words } = commandAt(catalogue, tokens);
  const values = readArguments(command, tokens.slice(words));
  return confirmToken === undefined ? { command, values } : { command, values, confirmToken };
}

/** The command a line runs, or undefined when it names none: for surfaces that look before they dispatch. */
export function commandOfLine(catalogue: readonly CommandDef[], line: string): CommandDef | undefined {
  try {
    const tokens = tokenize(withoutConfirmToken(line));
    return tokens.length === 0 ? undefined : commandAt(catalogue, tokens).command;
  } catch {
    return undefined;
  }
}

/**
 * The command the tokens start with and how many tokens name it: the longest declared path (its
 * words after the first unquoted, any case), else the first token as a command's name.
 */
function commandAt(catalogue: readonly CommandDef[], tokens: readonly Token[]): { command: CommandDef; words: number } {
  let longest: CommandDef | undefined;
  for (const command of catalogue) {
    const { path } = command;
    if (path.length < 2 || path.length > tokens.length || path.length <= (longest?.path.length ?? 1)) continue;
    if (path.every((word, i) => (i === 0 || !tokens[i]!.quoted) && tokens[i]!.text.toLowerCase() === word.toLowerCase())) longest = command;
  }
  return longest ? { command: longest, words: longest.path.length } : { command: findCommand(catalogue, tokens[0]!.text), words: 1 };
}

/** The command of that name (`blocklist-add`); a UserError with a guess, or the subcommands when `name` is a first word (`blocklist`). */
export function findCommand(catalogue: readonly CommandDef[], name: string): CommandDef {
  const command = findExact(catalogue, name);
  if (command) return command;
  const guess = suggest(name, catalogue.map((c) => c.name));
  const hint = guess === undefined ? "" : ` Did you mean \`${guess}\`?`;
  const family = subcommandsOf(catalogue, [name]);
  if (family.length > 0) {
    const subs = family.map((c) => c.path.slice(1).join(" "));
    throw new UserError("invalid_argument", `\`${shown(name)}\` needs one of ${orList(subs)}, e.g. \`${family[0]!.path.join(" ")}\`.${hint}`);
  }
  throw new UserError("invalid_argument", `Unknown command \`${shown(name)}\`.${hint} Type \`help\` for the list.`);
}

/** The commands whose path continues `words` (`blocklist` → `blocklist add`, `blocklist edit`…), in catalogue order. */
export function subcommandsOf(catalogue: readonly CommandDef[], words: readonly string[]): CommandDef[] {
  const lower = words.map((w) => w.toLowerCase());
  return catalogue.filter((c) => !c.internal && c.path.length > lower.length && lower.every((w, i) => c.path[i]!.toLowerCase() === w));
}

function findExact(catalogue: readonly CommandDef[], name: string): CommandDef | undefined {
  const wanted = name.toLowerCase();
  return catalogue.find((c) => c.name.toLowerCase() === wanted);
}

function readArguments(command: CommandDef, tokens: readonly Token[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const positionals = command.options.filter((o) => o.keyword === undefined);
  let appendTo: OptionSpec | undefined;
  const store = (spec: OptionSpec, text: string, read = readValue(spec, text, labelOf(spec, command))): void => {
    if (!read.ok) throw new UserError("invalid_argument", read.message);
    // Pushed, not copied: a list of 20,000 addresses would cost 20,000 copies.
    if (spec.multiple) ((values[spec.name] as unknown[] | undefined) ?? (values[spec.name] = [] as unknown[])).push(read.value);
    else values[spec.name] = read.value;
  };
  const refuseTwice = (spec: OptionSpec, word: string): void => {
    if (spec.name in values) throw new UserError("invalid_argument", `\`${shown(word)}\` is given twice.`);
  };
  const remainder = (from: number): string =>
    tokens
      .slice(from)
      .map((t) => t.text)
      .join(" ");

  let joined: ReturnType<typeof readValue> | undefined;
  let cut: ListEnd | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const special = token.quoted ? undefined : specialOf(command, token.text);
    if (special) appendTo = undefined;
    if (special?.value !== undefined) {
      refuseTwice(special.spec, `--${special.spec.name}`);
      const parts = splitValues(special.spec, special.value);
      if (parts.length === 0) parts.push("");
      for (const part of parts) store(special.spec, part);
    } else if (special) {
      const spec = special.spec;
      refuseTwice(spec, token.text);
      const next = tokens[i + 1];
      if (!next) throw new UserError("invalid_argument", `\`${spec.keyword}\` expects ${expectation(spec)}.`);
      store(spec, isRest(spec) ? remainder(i + 1) : next.text);
      if (isRest(spec)) break;
      i++;
      if (spec.multiple) appendTo = spec;
    } else if (appendTo && (joined = readValue(appendTo, token.text, appendTo.name)).ok) {
      // Read once: each of 20,000 addresses would otherwise be parsed twice.
      store(appendTo, token.text, joined);
    } else {
      const spec = choosePositional(command, positionals, values, token.text, cut);
      // A word that ends a list (`ban 192.0.2.1 typo 192.0.2.2 sshd`) is taken for the next option;
      // kept, so that what is left over after it can be explained by it.
      if (appendTo) cut = { list: appendTo, word: token.text, as: spec };
      store(spec, isRest(spec) ? remainder(i) : token.text);
      if (isRest(spec)) break;
      appendTo = spec.multiple ? spec : undefined;
    }
  }
  return finish(command, values);
}

/** A keyword (`value` undefined) or a `--name=value` token; undefined for a plain word. */
function specialOf(command: CommandDef, text: string): { spec: OptionSpec; value?: string } | undefined {
  const named = text.startsWith("--") ? NAMED.exec(text) : null;
  if (named) {
    const name = named[1]!.toLowerCase();
    const spec = command.options.find((o) => o.name.toLowerCase() === name);
    if (!spec) {
      throw new UserError("invalid_argument", `\`${typed(command)}\` has no option \`${shown(name)}\`: ${usageOf(command)}`);
    }
    return { spec, value: named[2] ?? "" };
  }
  const word = text.toLowerCase();
  const spec = command.options.find((o) => o.keyword?.toLowerCase() === word);
  return spec && { spec };
}

/** The word that ended a list option's values, and the option it was taken for. */
interface ListEnd {
  list: OptionSpec;
  word: string;
  as: OptionSpec;
}

function choosePositional(
  command: CommandDef,
  positionals: readonly OptionSpec[],
  values: Record<string, unknown>,
  text: string,
  cut?: ListEnd,
): OptionSpec {
  let passed: { spec: OptionSpec; message: string } | undefined;
  for (const spec of positionals) {
    if (spec.name in values) continue;
    const read = readValue(spec, text, labelOf(spec, command));
    if (read.ok) {
      // Free text takes anything, also a slip meant for an option passed over (`audit 7x`: not a
      // user named 7x but a duration); answering for it as text would state a falsehood.
      const meant = spec.kind === "text" && passed ? nearMiss(passed.spec, text) : undefined;
      if (meant !== undefined) throw new UserError("invalid_argument", `“${shown(text)}” is not ${expectation(passed!.spec)}. Did you mean \`${meant}\`?`);
      return spec;
    }
    if (spec.required || claims(spec, text)) throw new UserError("invalid_argument", read.message);
    passed ??= { spec, message: read.message };
  }
  // Left over, yet one more of a list a word before ended: that word is the mistake.
  if (cut && readValue(cut.list, text, cut.list.name).ok) {
    throw new UserError(
      "invalid_argument",
      `“${shown(cut.word)}” is not ${expectation(cut.list)}, so \`${typed(command)}\` took it for the ${labelOf(cut.as, command)} and has “${shown(text)}” left over: ${usageOf(command)}`,
    );
  }
  // Named, so a line with several words says which one is left over (`banned sshd foo bar`).
  const why = passed ? ` (${passed.message.replace(/\.$/, "")})` : "";
  const meant = passed && nearMiss(passed.spec, text);
  throw new UserError("invalid_argument", `\`${typed(command)}\` does not take “${shown(text)}”${why}: ${usageOf(command)}${meant ? `. Did you mean \`${meant}\`?` : ""}`);
}

function finish(command: CommandDef, values: Record<string, unknown>): Record<string, unknown> {
  const missing = command.options.find((o) => o.required && !(o.name in values));
  if (missing) {
    throw new UserError("invalid_argument", `\`${typed(command)}\` needs ${needed(missing)}: ${usageOf(command)}`);
  }
  // A value given twice (an address pasted twice into a list) is one value: replies count what was asked.
  for (const spec of command.options) {
    const list = spec.multiple ? (values[spec.name] as unknown[] | undefined) : undefined;
    const distinct = list && new Set(list);
    if (distinct && distinct.size < list.length) values[spec.name] = [...distinct];
  }
  return values;
}

function needed(spec: OptionSpec): string {
  if (spec.kind === "enum") return orList(spec.values);
  const noun = spec.multiple ? singular(spec.name) : spec.name;
  return `${/^[aeio]/i.test(noun) ? "an" : "a"} ${noun}`;
}

function singular(name: string): string {
  if (name.endsWith("ies")) return `${name.slice(0, -3)}y`;
  if (/(ss|x|ch|sh)es$/.test(name)) return name.slice(0, -2);
  return name.endsWith("s") && !name.endsWith("ss") ? name.slice(0, -1) : name;
}

/** `ban <ip>… <jail> [for <duration>]`, from the definition. */
export function usageOf(command: Pick<CommandDef, "path" | "options">): string {
  return [typed(command), ...command.options.filter((o) => !o.internal).map(usagePart)].join(" ");
}

/** The command as it is typed: `blocklist add`, not its name `blocklist-add`. */
export function typed(command: Pick<CommandDef, "path">): string {
  return command.path.join(" ");
}

function usagePart(spec: OptionSpec): string {
  const more = spec.multiple || isRest(spec) ? "…" : "";
  const noun = spec.multiple ? singular(spec.name) : spec.name;
  if (spec.kind === "enum") {
    const choice = `${spec.values.join("|")}${more}`;
    const part = spec.keyword ? `${spec.keyword} ${choice}` : choice;
    return spec.required ? part : `[${part}]`;
  }
  if (spec.keyword) return spec.required ? `${spec.keyword} <${noun}>${more}` : `[${spec.keyword} <${noun}>${more}]`;
  return spec.required ? `<${noun}>${more}` : `[${noun}${more}]`;
}

const DURATION_UNITS = ["d", "h", "m", "s", "w"];

/** What a word that ended up elsewhere was probably meant to be for this option (`7x` → `7d`); undefined when nothing close. */
export function nearMiss(spec: OptionSpec, token: string): string | undefined {
  if (spec.kind !== "duration") return undefined;
  const m = /^(\d{1,6})([a-z]{1,7})$/i.exec(token);
  if (!m || parseDuration(token) !== undefined) return undefined;
  const word = m[2]!.toLowerCase();
  // `7days`, `2hrs` name their unit; a one-letter typo takes the nearest, days first on a tie
  // (`7x` → `7d`); a longer word is something else (`3proxy` is a jail).
  const unit = DURATION_UNITS.find((u) => word.startsWith(u)) ?? (word.length === 1 ? suggest(word, DURATION_UNITS) : undefined);
  return unit === undefined ? undefined : `${m[1]}${unit}`;
}

/** The closest candidate: edit distance ≤ 2 (≤ 1 for short words), else the first one it starts. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  if (lower === "") return undefined;
  const limit = lower.length <= 3 ? 1 : 2;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  if (best) return best.candidate;
  return lower.length < 2 ? undefined : candidates.find((c) => c.toLowerCase().startsWith(lower));
}

/** Optimal string alignment: Levenshtein plus adjacent swaps, the commonest typo (`stauts`). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, d[i - 2]![j - 2]! + 1);
      d[i]![j] = value;
    }
  }
  return d[a.length]![b.length]!;
}
