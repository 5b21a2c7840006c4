import type { ChatInputCommandInteraction } from "discord.js";
import { valuesFromDiscord } from "../../core/command/discord-schema.js";
import { isUserError } from "../../core/errors.js";
import { errorReply, type Reply } from "../../core/reply.js";
import { render, type HandlerContext } from "./context.js";
import { within } from "../../core/deadline.js";
import { identityOf } from "./identity.js";
import { editOptions, replyOptions } from "./payload.js";
import { invokedCommand } from "./slash.js";

/** `/f2b <subcommand>`: the same command line the text surfaces would run, as the member who typed it. */
export async function onCommand(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const work = run(interaction, ctx);
  const fast = await within(work, ctx.deferAfterMs);
  if (fast.done) {
    await interaction.reply(replyOptions(render(ctx, fast.value)));
    return;
  }
  // Deferring decides visibility before the result exists; results are public, so a private one
  // (an error, a refusal) replaces the public "thinking…" with a message only the asker sees.
  await interaction.deferReply();
  const msg = render(ctx, await work);
  if (msg.ephemeral) {
    await interaction.deleteReply();
    await interaction.followUp(replyOptions(msg));
  } else {
    await interaction.editReply(editOptions(msg));
  }
}

async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<Reply> {
  const invoked = invokedCommand(interaction.options.data, ctx.layout);
  if (!invoked) {
    return errorReply("This BanBot does not know that command; an admin may need to run `banbot register` again.");
  }
  let line: string;
  try {
    line = valuesFromDiscord(invoked.command, invoked.options);
  } catch (err) {
    if (!isUserError(err)) throw err;
    return errorReply(err.message, "Cannot read that command");
  }
  return await ctx.dispatcher.run(line, identityOf(interaction));
}
