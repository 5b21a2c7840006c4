import { parseEntry, type Network } from "./address.js";

// The formats public lists use: one address or network per line; `#` and `;` comments, whole-line
// or trailing (Spamhaus DROP: `1.10.16.0/20 ; SBL256894`); blank lines; CRLF; and a few lists add
// columns after the address (IPsum: `1.2.3.4<TAB>7`), so only the first word counts. A bad line
// is counted and sampled, never fatal: one typo must not stop a 50,000-line import.

export interface ParsedList {
  /** Unique entries in canonical form, in list order. */
  entries: Network[];
  /** Lines that carried an entry (after comments and blanks), valid or not. */
  lines: number;
  invalid: number;
  /** The first few invalid lines, trimmed and clipped, for the run report. */
  invalidSample: string[];
  duplicates: number;
}

const SAMPLE_SIZE = 5;
const SAMPLE_CHARS = 60;

export function parseList(text: string): ParsedList {
  const entries = new Map<string, Network>();
  const invalidSample: string[] = [];
  let lines = 0;
  let invalid = 0;
  let duplicates = 0;
  for (const raw of text.replace(/^\uFEFF/, "").split("\n")) {
    const word = firstWord(raw);
    if (word === "") continue;
    lines++;
    const entry = parseEntry(word);
    if (!entry) {
      invalid++;
      if (invalidSample.length < SAMPLE_SIZE) invalidSample.push(clip(raw.trim()));
    } else if (entries.has(entry.text)) duplicates++;
    else entries.set(entry.text, entry);
  }
  return { entries: [...entries.values()], lines, invalid, invalidSample, duplicates };
}

function firstWord(line: string): string {
  const hash = line.indexOf("#");
  const semi = line.indexOf(";");
  const cut = Math.min(hash < 0 ? line.length : hash, semi < 0 ? line.length : semi);
  return line.slice(0, cut).trim().split(/\s/, 1)[0] ?? "";
}

function clip(text: string): string {
  return text.length > SAMPLE_CHARS ? `${text.slice(0, SAMPLE_CHARS - 1)}…` : text;
}
