import { accepts, isRest, textOf } from "./kinds.js";
import type { CommandDef, OptionSpec } from "./model.js";
import { nearMiss } from "./parse.js";
import { needsQuotes, quote, tokenize } from "./tokenize.js";

// The inverse of parse.ts: the line a person would type, which must parse back to the same values.
// Plain words wherever parse.ts would put them back in the same option; `--name=value` where it
// would not (an empty optional before would take the word, the previous `multiple` option would
// swallow it, or the value is invalid and should be reported against its own option).

/** The canonical line for parsed values: what the audit log records and what buttons re-run. */
export function formatCommandLine(command: CommandDef, values: Readonly<Record<string, unknown>>): string {
  const texts = new Map<string, string[]>();
  for (const spec of command.options) {
    const value = values[spec.name];
    if (value === undefined) continue;
    const list: readonly unknown[] = Array.isArray(value) ? value : [value];
    texts.set(spec.name, list.map((v) => textOf(spec, v)));
  }
  return formatRawLine(command, texts);
}

/** A line from each option's values as typed, e.g. `{ ips: ["192.0.2.1"], duration: ["2h"] }`. */
export function formatRawLine(command: CommandDef, texts: ReadonlyMap<string, readonly string[]>): string {
  const keywords = new Set(command.options.flatMap((o) => (o.keyword === undefined ? [] : [o.keyword.toLowerCase()])));
  const isKeyword = (word: string): boolean => keywords.size > 0 && keywords.has(word.toLowerCase());
  const word = (text: string): string => (needsQuotes(text) || isKeyword(text) ? quote(text) : text);
  const out = [command.name];
  const passed: OptionSpec[] = [];
  const rests: OptionSpec[] = [];
  let appendTo: OptionSpec | undefined;
  const order = (spec: OptionSpec): number => command.options.indexOf(spec);
  // Whether parse.ts would give `first` to another option: an empty one earlier in the definition
  // (or refuse it as free text, as a slip meant for that one: `7x`), or the `multiple` one just written.
  const captured = (spec: OptionSpec, first: string): boolean =>
    passed.some((p) => order(p) < order(spec) && (accepts(p, first) || (spec.kind === "text" && nearMiss(p, first) !== undefined))) ||
    (appendTo !== undefined && accepts(appendTo, first));
  const emit = (spec: OptionSpec, words: string[] | undefined): void => {
    out.push(...(words ?? [named(spec, texts.get(spec.name) ?? [])]));
    appendTo = words && spec.multiple ? spec : undefined;
  };

  for (const spec of command.options) {
    const list = texts.get(spec.name);
    if (spec.keyword === undefined && (list === undefined || isRest(spec))) passed.push(spec);
    if (list === undefined) continue;
    if (isRest(spec)) rests.push(spec);
    else if (!list.every((t) => accepts(spec, t))) emit(spec, undefined);
    else if (spec.keyword !== undefined) emit(spec, [spec.keyword, ...list.map(word)]);
    else emit(spec, captured(spec, list[0] ?? "") ? undefined : list.map(word));
  }

  // `rest` text takes everything after it, so it goes last; only one can be written plainly.
  const last = rests.pop();
  for (const spec of rests) emit(spec, undefined);
  if (last) {
    const value = texts.get(last.name)?.join(" ") ?? "";
    const words = plainWords(value, isKeyword);
    const first = words?.[0] ?? value;
    if (last.keyword !== undefined) emit(last, [last.keyword, ...(words ?? [quote(value)])]);
    else emit(last, value === "" || captured(last, first) ? undefined : (words ?? [quote(value)]));
  }
  return out.join(" ");
}

function named(spec: OptionSpec, list: readonly string[]): string {
  const value = list.join(" ");
  return `--${spec.name}=${needsQuotes(value) ? quote(value) : value}`;
}

/** The words of `value` when it can be written unquoted and read back identically. */
function plainWords(value: string, isKeyword: (word: string) => boolean): string[] | undefined {
  try {
    const tokens = tokenize(value);
    const words = tokens.map((t) => t.text);
    const plain = tokens.every((t) => !t.quoted && !needsQuotes(t.text)) && words.join(" ") === value;
    return plain && words.length > 0 && !isKeyword(words[0]!) ? words : undefined;
  } catch {
    return undefined;
  }
}
