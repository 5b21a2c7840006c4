import { MessageFlags, type InteractionEditReplyOptions, type InteractionReplyOptions, type InteractionUpdateOptions } from "discord.js";
import type { DiscordMessage } from "./render.js";

// The rendered message as discord.js options for each way of answering an interaction. Mentions
// are off in every one of them (the client default too): replies quote log lines and user input.

function common(msg: DiscordMessage, content: string) {
  return {
    content,
    embeds: msg.embeds,
    components: msg.components,
    files: msg.files.map((f) => ({ attachment: Buffer.from(f.data), name: f.name, description: f.description })),
    // Fresh objects per message: discord.js may add to what it is given.
    allowedMentions: { parse: [] },
  };
}

/** A new message: the first reply, or a follow-up; private replies only the asker sees. */
export function replyOptions(msg: DiscordMessage, content = ""): InteractionReplyOptions {
  return { ...common(msg, content), flags: msg.ephemeral ? MessageFlags.Ephemeral : undefined };
}

// Edits replace the whole message: an empty `attachments` drops the previous reply's images.
export function updateOptions(msg: DiscordMessage, content = ""): InteractionUpdateOptions {
  return { ...common(msg, content), attachments: [] };
}

export function editOptions(msg: DiscordMessage, content = ""): InteractionEditReplyOptions {
  return { ...common(msg, content), attachments: [] };
}
