import {
  ComponentType,
  MessageFlags,
  type APIMessageTopLevelComponent,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  type InteractionUpdateOptions,
} from "discord.js";
import type { DiscordMessage } from "./message.js";

// The rendered message as discord.js options for each way of answering an interaction. Mentions
// are off in every one of them (the client default too): replies quote log lines and user input.
// `byline` ("by @user" under a clicked result) is the content of an embed message; a Components V2
// message has no content, so it becomes a small text display at the end.

function common(msg: DiscordMessage, byline: string) {
  const files = msg.files.map((f) => ({ attachment: Buffer.from(f.data), name: f.name, description: f.description }));
  // Fresh objects per message: discord.js may add to what it is given.
  const allowedMentions = { parse: [] };
  if ("v2" in msg) {
    const components: APIMessageTopLevelComponent[] = byline ? [...msg.components, { type: ComponentType.TextDisplay, content: `-# ${byline}` }] : msg.components;
    return { components, files, allowedMentions, flags: MessageFlags.IsComponentsV2 as number };
  }
  return { content: byline, embeds: msg.embeds, components: msg.components, files, allowedMentions, flags: 0 };
}

/** A new message: the first reply, or a follow-up; private replies only the asker sees. */
export function replyOptions(msg: DiscordMessage, byline = ""): InteractionReplyOptions {
  const { flags, ...options } = common(msg, byline);
  return { ...options, flags: (flags | (msg.ephemeral ? MessageFlags.Ephemeral : 0)) || undefined };
}

// Edits replace the whole message: an empty `attachments` drops the previous reply's images. A
// message made Components V2 must have its content and embeds emptied in the same edit.
export function updateOptions(msg: DiscordMessage, byline = ""): InteractionUpdateOptions {
  return edit(msg, byline);
}

export function editOptions(msg: DiscordMessage, byline = ""): InteractionEditReplyOptions {
  return edit(msg, byline);
}

function edit(msg: DiscordMessage, byline: string) {
  const { flags, ...options } = common(msg, byline);
  return flags ? { content: null, embeds: [], ...options, attachments: [], flags } : { ...options, attachments: [] };
}
