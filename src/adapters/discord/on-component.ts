import { MessageFlags, type ButtonInteraction, type StringSelectMenuInteraction } from "discord.js";
import { errorReply, type Reply } from "../../core/reply.js";
import { BUTTON_ID, SELECT_ID, VIEW_ID } from "./components.js";
import { render, rerunnable, type HandlerContext } from "./context.js";
import { within } from "../../core/deadline.js";
import { identityOf } from "./identity.js";
import { editOptions, replyOptions, updateOptions } from "./payload.js";

const EXPIRED = errorReply("This button has expired. Run the command again to get a fresh one.", "Button expired");

/**
 * A button or a select choice runs its command line through the dispatcher as the member who
 * clicked: the same role check, confirmation and audit as typing it. A public result replaces the
 * message the component was on; a private one (refusal, confirmation, error) goes to the clicker only.
 */
export async function onComponent(interaction: ButtonInteraction | StringSelectMenuInteraction, ctx: HandlerContext): Promise<void> {
  const { ref, view } = referenceOf(interaction);
  const resolved = ref === undefined ? undefined : ctx.keys.resolve(ref);
  const source = resolved && "command" in resolved ? rerunnable(ctx, resolved.command) : undefined;
  // Another view only ever runs a command that reads; anything else would do it again.
  if (!resolved || "expired" in resolved || (view !== undefined && source === undefined)) {
    await interaction.reply(replyOptions(render(ctx, EXPIRED)));
    return;
  }
  const who = identityOf(interaction);
  const work = ctx.dispatcher.run(resolved.command, who);
  // Paging and lookups replace the message silently; an unban or a confirmed stop says who did it.
  // The mention is ours (a user ID), and allowed_mentions keeps it from pinging.
  const byline = source === undefined ? `by <@${who.userId}>` : "";
  // A result replacing a Components V2 message must be one too; a private one is a new message.
  const replacesV2 = interaction.message.flags.has(MessageFlags.IsComponentsV2);
  const rendered = (reply: Reply) => render(ctx, reply, { source, view, replacesV2: replacesV2 && !reply.private });
  const fast = await within(work, ctx.deferAfterMs);
  if (fast.done) {
    const msg = rendered(fast.value);
    await (msg.ephemeral ? interaction.reply(replyOptions(msg)) : interaction.update(updateOptions(msg, byline)));
    return;
  }
  await interaction.deferUpdate();
  const msg = rendered(await work);
  await (msg.ephemeral ? interaction.followUp(replyOptions(msg)) : interaction.editReply(editOptions(msg, byline)));
}

/** The command reference a component carries, and for a view button which view to show. */
function referenceOf(interaction: ButtonInteraction | StringSelectMenuInteraction): { ref?: string; view?: number } {
  if (!interaction.isButton()) return { ref: SELECT_ID.test(interaction.customId) ? interaction.values[0] : undefined };
  const view = VIEW_ID.exec(interaction.customId);
  if (view) return { ref: interaction.customId.slice(view[0].length), view: Number(view[1]) };
  return { ref: BUTTON_ID.test(interaction.customId) ? interaction.customId.replace(BUTTON_ID, "") : undefined };
}

