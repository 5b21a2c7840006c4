import { isIP } from "node:net";
import { parseEntry, rangeOf, type Network } from "./address.js";

// The formats public lists use: one address or network per line; `#` and `;` comments, whole-line
// or trailing (Spamhaus DROP: `1.10.16.0/20 ; SBL256894`); blank lines; CRLF; and a few lists add
// columns after the address (IPsum: `1.2.3.4<TAB>7`), which are ignored. A line whose second column
// is an address too is a range (DShield's block.txt: start, end, prefix, then details): it is read
// as the network it spans, and is invalid when it spans none exactly (or contradicts its prefix),
// never banned as its first address alone. A bad line is counted and sampled, never fatal: one typo
// must not stop a 50,000-line import; a list with no valid line at all fails the import.

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
    const words = wordsOf(raw);
    if (words.length === 0 || isColumnHeader(words)) continue;
    lines++;
    const entry = entryOf(words);
    if (!entry) {
      invalid++;
      if (invalidSample.length < SAMPLE_SIZE) invalidSample.push(clip(raw.trim().replace(/\s+/g, " ")));
    } else if (entries.has(entry.text)) duplicates++;
    else entries.set(entry.text, entry);
  }
  return { entries: [...entries.values()], lines, invalid, invalidSample, duplicates };
}

function wordsOf(line: string): string[] {
  const hash = line.indexOf("#");
  const semi = line.indexOf(";");
  const cut = Math.min(hash < 0 ? line.length : hash, semi < 0 ? line.length : semi);
  const text = line.slice(0, cut).trim();
  // Only the first three columns can matter (address; or start, end and prefix).
  return text === "" ? [] : text.split(/\s+/, 3);
}

// DShield's block.txt names its columns in a line of its own: "Start End Netblock Attacks …".
function isColumnHeader([first = "", second = ""]: string[]): boolean {
  return first.toLowerCase() === "start" && second.toLowerCase() === "end";
}

function entryOf([first = "", second, third]: string[]): Network | undefined {
  const entry = parseEntry(first);
  // Strictly an address (isIP): other columns, such as IPsum's count, must never pass for one.
  const end = second === undefined || first.includes("/") || isIP(second) === 0 ? undefined : parseEntry(second);
  if (!entry || !end || end.version !== entry.version) return entry;
  const range = networkSpanning(entry, end);
  if (!range) return undefined;
  // DShield's third column is the prefix: it must agree with the range.
  if (third !== undefined && /^\d{1,3}$/.test(third) && Number(third) !== range.prefix) return undefined;
  return range;
}

/** The network from `start` to `end`, when they bound exactly one. */
function networkSpanning(start: Network, end: Network): Network | undefined {
  const [from, to] = [rangeOf(start), rangeOf(end)];
  if (from.version === 4 && to.version === 4) {
    const size = to.start - from.start + 1;
    const prefix = 32 - Math.log2(size);
    if (!Number.isInteger(prefix) || from.start % size !== 0) return undefined;
    return parseEntry(`${start.address}/${prefix}`);
  }
  if (from.version === 6 && to.version === 6) {
    const size = to.start - from.start + 1n;
    const bits = size.toString(2).length - 1;
    if (size <= 0n || size !== 1n << BigInt(bits) || from.start % size !== 0n) return undefined;
    return parseEntry(`${start.address}/${128 - bits}`);
  }
  return undefined;
}

function clip(text: string): string {
  return text.length > SAMPLE_CHARS ? `${text.slice(0, SAMPLE_CHARS - 1)}…` : text;
}
