import { visibleReply, type Reply } from "../../core/reply.js";
import type { ActionRef } from "./components.js";
import { V2 } from "./limits.js";
import { renderEmbed, type EmbedMessage } from "./render.js";
import { renderV2, type V2Message, type ViewOptions } from "./v2.js";

export type DiscordMessage = EmbedMessage | V2Message;

export interface MessageOptions extends ViewOptions {
  /** The message this one replaces is Components V2, which it cannot stop being. */
  replacesV2?: boolean;
  /** An alert posted to a channel: a Container in the tone's colour, with its buttons. */
  alert?: boolean;
}

/** Text beyond this (title, text, fields) is more than a Components V2 message carries beside a table. */
const V2_TEXT_ROOM = V2.text - 1000;

/**
 * Chooses the layout per reply. Components V2 for tables (a button beside each row, and Next/Prev
 * through rows instead of cutting them) and for alerts; embeds for the rest, whose short fields an
 * embed lays out side by side (V2 has no columns) and which may carry up to 6000 characters (V2:
 * 4000) — also a table reply whose text alone would not fit V2. A message once V2 stays V2.
 */
export function renderMessage(original: Reply, ref: ActionRef, opts: MessageOptions = {}): DiscordMessage {
  const reply = visibleReply(original);
  if (opts.replacesV2 || opts.alert) return renderV2(reply, ref, opts);
  if (!reply.table?.rows.length) return renderEmbed(reply, ref);
  const text = reply.title.length + (reply.text?.length ?? 0) + (reply.fields ?? []).reduce((n, f) => n + f.label.length + f.value.length, 0);
  return text > V2_TEXT_ROOM ? renderEmbed(reply, ref) : renderV2(reply, ref, opts);
}
