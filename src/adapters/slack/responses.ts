import { withoutConfirmToken } from "../../core/command/parse.js";
import type { Reply } from "../../core/reply.js";
import { visibleText } from "../../core/text.js";
import { contextBlocks } from "./blocks.js";
import type { DataBlockKind } from "./data-blocks.js";
import { mrkdwn } from "./escape.js";
import { renderReply, type SlackMessage } from "./render.js";

export type Visibility = "ephemeral" | "in_channel";

/** A message for a response_url, as Slack reads it. */
export interface ResponseMessage extends Partial<SlackMessage> {
  response_type?: Visibility;
  replace_original?: boolean;
  delete_original?: boolean;
}

/** Who sees a reply: errors, refusals and confirmations only the asker; results as configured. */
export function visibilityOf(reply: Reply, results: Visibility): Visibility {
  return reply.private ? "ephemeral" : results;
}

/** The note a long command shows meanwhile: what it works on, and its latest status if any. */
export function progressMessage(line: string, status: string, visibility: Visibility): ResponseMessage {
  // A confirmation token means nothing to people; the command it confirms does.
  // The line is what the user typed, shown back outside any Reply: cleaned here like a Reply's text.
  const shown = visibleText(withoutConfirmToken(line));
  const text = `⏳ Working on ${mrkdwn(`\`${shown}\``)}…`;
  return { response_type: visibility, text, blocks: contextBlocks(status ? [text, mrkdwn(visibleText(status))] : [text]) };
}

/**
 * What a slash command's reply sends to its response_url. A progress message is replaced in place
 * when the reply has its visibility; Slack cannot turn an ephemeral message into a channel message
 * or back, so otherwise it is deleted and the reply posted anew.
 */
export function commandResponses(
  reply: Reply,
  opts: { results: Visibility; progress?: Visibility; dataBlocks?: ReadonlySet<DataBlockKind> },
): ResponseMessage[] {
  const visibility = visibilityOf(reply, opts.results);
  const message = { response_type: visibility, ...renderReply(reply, { imagesWithheld: visibility === "ephemeral", dataBlocks: opts.dataBlocks }) };
  if (opts.progress === undefined) return [message];
  if (opts.progress === visibility) return [{ ...message, replace_original: true }];
  return [{ delete_original: true }, message];
}

/**
 * What a button's reply sends to the clicked message's response_url: the message is replaced by
 * the result and who pressed what. A reply for the clicker alone (a refusal, a confirmation) is a
 * new message only they see and leaves the clicked one as it was, unless that one already gave
 * way to a progress note (which only the clicker could see).
 */
export function clickResponses(
  reply: Reply,
  opts: { sourceEphemeral: boolean; progressShown: boolean; label: string; userId: string; dataBlocks?: ReadonlySet<DataBlockKind> },
): ResponseMessage[] {
  const { dataBlocks } = opts;
  if (reply.private && !opts.progressShown) {
    return [{ response_type: "ephemeral", replace_original: false, ...renderReply(reply, { imagesWithheld: true, dataBlocks }) }];
  }
  const attribution = reply.private ? undefined : { label: opts.label, userId: opts.userId };
  return [{ replace_original: true, ...renderReply(reply, { attribution, imagesWithheld: opts.sourceEphemeral || reply.private, dataBlocks }) }];
}
