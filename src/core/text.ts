/** At most `max` UTF-16 units, ending in "…" when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let head = text.slice(0, max - 1);
  // Never leave half of a surrogate pair (an emoji, say) before the ellipsis.
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  return `${head}…`;
}

// What no reader can see but a renderer obeys: format characters (bidi embeddings, overrides and
// isolates U+202A–U+202E and U+2066–U+2069, marks, zero-width spaces and joiners, word joiners,
// BOM, tag characters), the combining grapheme joiner, and the Hangul fillers that render as
// nothing. Such text can reorder what a message appears to say ("Trojan Source") or hide in it.
// Lone surrogates (half an emoji, cut elsewhere) go too: platforms refuse or mangle them.
const INVISIBLE = "[\\p{Cf}\\p{Cs}\\u034f\\u115f\\u1160\\u3164\\uffa0]";
// Controls other than tab and newline, and the Unicode line/paragraph separators, become spaces:
// they could forge line breaks or terminal escapes, yet mark where something was.
const CONTROL = "[\\p{Cc}\\u2028\\u2029]";
// Except a zero-width joiner between two emoji (the first maybe with its variation selector or skin
// tone): that is how 👩‍💻 or 🏳️‍🌈 are written, and what it joins is plain to see.
const EMOJI_JOINER = "(?<=\\p{Extended_Pictographic}[\\u{FE0F}\\p{Emoji_Modifier}]*)\\u200d(?=\\p{Extended_Pictographic})";
// And the tag characters of a subdivision flag (Scotland's: a black flag, "gbsct" in tags, a cancel
// tag), only as many as a region's code has: a longer run could smuggle hidden text after the flag.
const SUBDIVISION_FLAG = "\\u{1F3F4}[\\u{E0030}-\\u{E0039}\\u{E0061}-\\u{E007A}]{2,7}\\u{E007F}";
const HAS_HIDDEN = new RegExp(`${INVISIBLE}|${CONTROL}`, "u");
// A whole flag is matched (and kept) before its tags could be taken one by one.
const ALL_INVISIBLE = new RegExp(`(${SUBDIVISION_FLAG})|(?!${EMOJI_JOINER})${INVISIBLE}`, "gu");
const ALL_CONTROL = new RegExp(CONTROL, "gu");

/**
 * `text` as it looks: invisible format characters dropped (bar those emoji are written with),
 * control characters (bar tab and newline) made spaces.
 */
export function visibleText(text: string): string {
  if (!HAS_HIDDEN.test(text)) return text;
  return text.replace(ALL_INVISIBLE, (_, flag: string | undefined) => flag ?? "").replace(ALL_CONTROL, (c) => (c === "\n" || c === "\t" ? c : " "));
}
