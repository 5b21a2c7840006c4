import type { types } from "@slack/bolt";
import { chunk } from "../chunk.js";
import { cut } from "./escape.js";
import { SLACK_LIMITS } from "./limits.js";

// Small Block Kit constructors. Every text given here is already escaped.

export function headerBlock(text: string): types.HeaderBlock {
  return { type: "header", text: { type: "plain_text", text: cut(text, SLACK_LIMITS.headerChars), emoji: true } };
}

export function sectionBlock(text: string): types.SectionBlock {
  return { type: "section", text: { type: "mrkdwn", text: cut(text, SLACK_LIMITS.textChars) } };
}

export function fieldsBlocks(fields: readonly string[]): types.SectionBlock[] {
  return chunk(fields, SLACK_LIMITS.fieldsPerSection).map((group) => ({
    type: "section",
    fields: group.map((text) => ({ type: "mrkdwn", text: cut(text, SLACK_LIMITS.fieldChars) })),
  }));
}

export function contextBlocks(texts: readonly string[]): types.ContextBlock[] {
  return chunk(texts, SLACK_LIMITS.contextElements).map((group) => ({
    type: "context",
    elements: group.map((text) => ({ type: "mrkdwn", text: cut(text, SLACK_LIMITS.textChars) })),
  }));
}

export function actionsBlocks(buttons: readonly types.Button[]): types.ActionsBlock[] {
  return chunk(buttons, SLACK_LIMITS.actionsElements).map((elements) => ({ type: "actions", elements }));
}

/**
 * Packs lines into texts of at most `max` characters, each wrapped by `wrap` (whose own length is
 * `overhead`); a single line longer than that is cut.
 */
export function packLines(lines: readonly string[], max: number, overhead = 0, wrap = (t: string) => t): string[] {
  const room = max - overhead;
  const texts: string[] = [];
  let current: string[] = [];
  let length = 0;
  for (const raw of lines) {
    const line = cut(raw, room);
    if (current.length > 0 && length + 1 + line.length > room) {
      texts.push(wrap(current.join("\n")));
      current = [];
      length = 0;
    }
    length += (current.length > 0 ? 1 : 0) + line.length;
    current.push(line);
  }
  if (current.length > 0) texts.push(wrap(current.join("\n")));
  return texts;
}
