import { decodeEntities } from "./escape.js";

/**
 * Slash command text as the user typed it. Slack sends `&`, `<` and `>` as entities, may wrap links
 * in `<url|label>` and users or channels in `<@U…|name>` (the ID is what `audit` wants), and
 * desktop clients turn quotes into curly ones, which the command parser would not see as quotes.
 */
export function decodeSlashText(text: string): string {
  const unwrapped = text
    .replace(/<[@#]([A-Z0-9]+)(?:\|[^<>]*)?>/g, "$1")
    .replace(/<([^<>|]*)\|([^<>]*)>/g, "$2")
    .replace(/<([^<>]*)>/g, "$1");
  return decodeEntities(unwrapped)
    .replace(/[\u201C\u201D\u201E]/g, '"')
    .replace(/[\u2018\u2019]/g, "'")
    .trim();
}
