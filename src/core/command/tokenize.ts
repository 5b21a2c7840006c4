import { UserError } from "../errors.js";
import { shown } from "./kinds.js";

// Quoting rules, kept forgiving for chat: Slack turns "…" into “…” and people write apostrophes,
// so a quote opens a group only at the start of a token (or right after `--name=`), and closes only
// before whitespace or the end of the line (so `'it's'` is one token, `don't` needs no quotes).
// There are no escapes: chat users paste backslashes in searches and mean them literally.

export interface Token {
  text: string;
  /** Began with a quote: a literal value, never a keyword or `--name=`. */
  quoted: boolean;
}

const FAMILIES = ["\"“”„", "'‘’"] as const;
const NAMED_PREFIX = /^--[A-Za-z][\w-]*=$/;
const NAMED_LIKE = /^--[A-Za-z][\w-]*=/;
const SPACE = /\s/;

function familyOf(char: string): string | undefined {
  return FAMILIES.find((family) => family.includes(char));
}

function closingIndex(line: string, from: number, family: string): number {
  for (let i = from; i < line.length; i++) {
    const next = line[i + 1];
    if (family.includes(line[i]!) && (next === undefined || SPACE.test(next))) return i;
  }
  return -1;
}

function closesInside(text: string, family: string): boolean {
  for (let i = 0; i < text.length - 1; i++) {
    if (family.includes(text[i]!) && SPACE.test(text[i + 1]!)) return true;
  }
  return false;
}

// A word that starts with neither a quote nor `--` cannot open a quoted group: it is a token as it stands.
const WORD = /\S+/g;
const MAY_QUOTE = new RegExp(`^(?:[${FAMILIES.join("")}]|--)`);

export function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  // Whole words at a time: a line of 20,000 addresses is read in one pass, not character by character.
  for (const word of line.matchAll(WORD)) {
    if (MAY_QUOTE.test(word[0])) return tokenizeFrom(line, word.index, tokens);
    tokens.push({ text: word[0], quoted: false });
  }
  return tokens;
}

// Character by character from `start`, where a word that may hold quotes begins.
function tokenizeFrom(line: string, start: number, tokens: Token[]): Token[] {
  let i = start;
  while (i < line.length) {
    if (SPACE.test(line[i]!)) {
      i++;
      continue;
    }
    const quoted = familyOf(line[i]!) !== undefined;
    let text = "";
    while (i < line.length && !SPACE.test(line[i]!)) {
      const char = line[i]!;
      const family = familyOf(char);
      if (family && (text === "" || NAMED_PREFIX.test(text))) {
        const end = closingIndex(line, i + 1, family);
        if (end < 0) throw new UserError("invalid_argument", `A quote is never closed: “${shown(line.slice(i))}”.`);
        text += line.slice(i + 1, end);
        i = end + 1;
      } else {
        text += char;
        i++;
      }
    }
    tokens.push({ text, quoted });
  }
  return tokens;
}

/** Whether `text` would not come back from tokenize as this one literal token. */
export function needsQuotes(text: string): boolean {
  return text === "" || SPACE.test(text) || familyOf(text[0]!) !== undefined || NAMED_LIKE.test(text);
}

export function quote(text: string): string {
  for (const family of FAMILIES) {
    if (!closesInside(text, family)) return `${family[0]}${text}${family[0]}`;
  }
  throw new UserError("invalid_argument", "Text cannot contain both a \" and a ' followed by a space.");
}
