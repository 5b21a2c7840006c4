import { mapCodeSpans } from "../../core/reply.js";

// Reply text is plain, with `code` spans as its one markup convention. Discord would read the rest
// as markdown and mentions, so a jail name or a log line could format the message or ping people:
// everything outside code spans is escaped, and mention syntax is broken with a zero-width space
// everywhere (allowed_mentions is empty as well; this keeps mentions from even rendering).

const ZWSP = "\u200b";

/** Plain text → Discord markdown that shows exactly that text. */
function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\*_~|`[\]()]/g, "\\$&")
    .replace(/^(\s*)([-#>+])/gm, "$1\\$2")
    .replace(/^(\s*\d+)\.(?=\s)/gm, "$1\\.");
}

/** `@everyone`, `@here`, `<@user>`, `<@&role>`, `<#channel>`, `</command:id>`, `<t:…>` and emoji shown, never resolved. */
function neutraliseMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, `@${ZWSP}$1`).replace(/<(?=[@#/:]|a:|t:)/g, `<${ZWSP}`);
}

/** Reply text → Discord markdown: code spans stay code, everything else is escaped. */
export function markdown(text: string): string {
  return neutraliseMentions(mapCodeSpans(text, { prose: escapeMarkdown, code: (content) => `\`${content}\`` }));
}

/** At most `max` UTF-16 units (Discord's count is never higher), ending in "…" when cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = "";
  for (const ch of text) {
    if (out.length + ch.length + 1 > max) break;
    out += ch;
  }
  return `${out.trimEnd()}…`;
}

/**
 * markdown(text) within `max` characters. The source is cut, not the output, so an escape or a
 * code span is never split: a span cut in half loses its closing backtick and is shown escaped.
 */
export function fitMarkdown(text: string, max: number): string {
  const full = markdown(text);
  if (full.length <= max) return full;
  let keep = Math.min(text.length, max);
  for (;;) {
    const out = markdown(clip(text, keep));
    if (out.length <= max || keep <= 1) return out.length <= max ? out : "…";
    // Escapes make the output longer than the source: cut half the overshoot and try again.
    keep -= Math.max(1, Math.floor((out.length - max) / 2));
  }
}
