import { mapCodeSpans } from "../../core/reply.js";

// Reply text is plain, and much of it comes from outside (log lines, jail names, what a user typed).
// Slack reads `<!channel>`, `<@U…>` and links only inside `<…>`, so escaping `&`, `<` and `>` as
// entities is what makes a mention impossible; the rest keeps stray characters from formatting.
// https://docs.slack.dev/messaging/formatting-message-text#escaping

const ZERO_WIDTH_SPACE = "\u200B";
const ZERO_WIDTH_JOINER = "\u200D";
// A backtick that does not pair up would start code in whatever follows; this one looks the same.
const LOOKALIKE_BACKTICK = "\u02CB";

function escapeEntities(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Slack ignores a bare `@here` in blocks today; a joiner keeps it inert if `parse` is ever switched on. */
function neutraliseBroadcasts(text: string): string {
  return text.replace(/@(channel|here|everyone)\b/gi, `@${ZERO_WIDTH_JOINER}$1`);
}

/**
 * Literal text for `plain_text` objects (headers, buttons, dialogs). Slack renders no formatting
 * there, but decodes entities, so escaping costs nothing and closes the last door.
 */
export function plainText(text: string): string {
  return neutraliseBroadcasts(escapeEntities(text));
}

/**
 * Reply text → mrkdwn: a `code` span becomes Slack code (shown literally), everything else is
 * escaped so that it reads as typed. Slack has no backslash escape: a zero-width space before `*`,
 * `_` or `~` where it could open bold, italics or strike (start of text or after a non-word
 * character) stops the marker from counting, and one before a leading `>` stops a quote.
 */
export function mrkdwn(text: string): string {
  return mapCodeSpans(text, { prose: literal, code: (content) => `\`${plainText(content)}\`` });
}

function literal(text: string): string {
  return neutraliseBroadcasts(escapeEntities(text))
    .replace(/`/g, LOOKALIKE_BACKTICK)
    .replace(/(?<![\p{L}\p{N}])([*_~])/gu, `${ZERO_WIDTH_SPACE}$1`)
    .replace(/^&gt;/gm, `${ZERO_WIDTH_SPACE}&gt;`);
}

/** Text inside a ``` block: shown as is, except that a backtick could end the block early. */
export function preformatted(text: string): string {
  return neutraliseBroadcasts(escapeEntities(text)).replace(/`/g, LOOKALIKE_BACKTICK);
}

/**
 * Cuts already-escaped text to `max` characters with a visible ellipsis, never through an entity
 * (which would show as `&am`) or half of a surrogate pair.
 */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let kept = text.slice(0, max - 1);
  kept = kept.replace(/&[a-z]{0,3}$/, "").replace(/[\uD800-\uDBFF]$/, "");
  return `${kept}…`;
}

/** The entities Slack puts into text it sends us (slash command text, button labels). */
export function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
