import type { ChatInputCommandInteraction } from "discord.js";
import { valuesFromDiscord } from "./schema.js";
import { isUserError } from "../../core/errors.js";
import { errorReply, type Reply } from "../../core/reply.js";
import { render, rerunnable, type HandlerContext } from "./context.js";
import { within } from "../../core/deadline.js";
import { identityOf } from "./identity.js";
import { editOptions, replyOptions } from "./payload.js";
import { invokedCommand } from "./slash.js";

/** `/f2b <subcommand>`: the same command line the text surfaces would run, as the member who typed it. */
export async function onCommand(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const work = run(interaction, ctx);
  const rendered = ({ reply, line }: Ran) => render(ctx, reply, { source: line === undefined ? undefined : rerunnable(ctx, line) });
  const fast = await within(work, ctx.deferAfterMs);
  if (fast.done) {
    await interaction.reply(replyOptions(rendered(fast.value)));
    return;
  }
  // Deferring decides visibility before the result exists; results are public, so a private one
  // (an error, a refusal) replaces the public "thinking…" with a message only the asker sees.
  await interaction.deferReply();
  const msg = rendered(await work);
  if (msg.ephemeral) {
    await interaction.deleteReply();
    await interaction.followUp(replyOptions(msg));
  } else {
    await interaction.editReply(editOptions(msg));
  }
}

/** A reply, and the command line that gave it when there was one. */
type Ran = { reply: Reply; line?: string };

async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<Ran> {
  const invoked = invokedCommand(interaction.options.data, ctx.layout);
  if (!invoked) {
    return { reply: errorReply("This BanBot does not know that command; an admin may need to run `banbot register` again.") };
  }
  let line: string;
  try {
    line = valuesFromDiscord(invoked.command, invoked.options);
  } catch (err) {
    if (!isUserError(err)) throw err;
    return { reply: errorReply(err.message, "Cannot read that command") };
  }
  return { reply: await ctx.dispatcher.run(line, identityOf(interaction)), line };
}
