import { truncate } from "../text.js";

// Matched log lines come from attackers (user names, URLs, payloads): keep a short, printable
// excerpt. Control characters could forge line breaks or terminal escapes in replies and logs.

const MAX_LINES = 5;
const MAX_LINE_CHARS = 300;
const MAX_TOTAL_CHARS = 1200;
// C0 and C1 controls, DEL, and the Unicode line/paragraph separators and bidi overrides.
const UNPRINTABLE = "[\\p{Cc}\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]";
// Two regexes: a global one keeps a lastIndex between calls, which `test` must not see.
const HAS_UNPRINTABLE = new RegExp(UNPRINTABLE, "u");
const ALL_UNPRINTABLE = new RegExp(UNPRINTABLE, "gu");

/** The last lines, each cleaned and cut; undefined when nothing is left. */
export function matchesExcerpt(lines: readonly string[] | undefined): string | undefined {
  if (!lines || lines.length === 0) return undefined;
  const kept: string[] = [];
  let total = 0;
  for (const raw of lines.slice(-MAX_LINES).reverse()) {
    const line = truncate(clean(raw), MAX_LINE_CHARS);
    if (line === "") continue;
    if (total + line.length > MAX_TOTAL_CHARS) break;
    kept.unshift(line);
    total += line.length + 1;
  }
  return kept.length === 0 ? undefined : kept.join("\n");
}

function clean(line: string): string {
  // Most lines need nothing: test before building new strings (backfills clean 100,000s of them).
  const text = HAS_UNPRINTABLE.test(line) ? line.replace(ALL_UNPRINTABLE, " ").replace(/ {2,}/g, " ") : line;
  return text.trim();
}
