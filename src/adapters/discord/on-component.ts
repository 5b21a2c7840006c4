import type { ButtonInteraction, StringSelectMenuInteraction } from "discord.js";
import { errorReply } from "../../core/reply.js";
import { BUTTON_ID, SELECT_ID } from "./components.js";
import { render, type HandlerContext } from "./context.js";
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
  const ref = referenceOf(interaction);
  const resolved = ref === undefined ? undefined : ctx.keys.resolve(ref);
  if (!resolved || "expired" in resolved) {
    await interaction.reply(replyOptions(render(ctx, EXPIRED)));
    return;
  }
  const who = identityOf(interaction);
  const work = ctx.dispatcher.run(resolved.command, who);
  const byline = changes(resolved.command, ctx) ? `by <@${who.userId}>` : "";
  const fast = await within(work, ctx.deferAfterMs);
  if (fast.done) {
    const msg = render(ctx, fast.value);
    await (msg.ephemeral ? interaction.reply(replyOptions(msg)) : interaction.update(updateOptions(msg, byline)));
    return;
  }
  await interaction.deferUpdate();
  const msg = render(ctx, await work);
  await (msg.ephemeral ? interaction.followUp(replyOptions(msg)) : interaction.editReply(editOptions(msg, byline)));
}

function referenceOf(interaction: ButtonInteraction | StringSelectMenuInteraction): string | undefined {
  if (interaction.isButton()) return BUTTON_ID.test(interaction.customId) ? interaction.customId.replace(BUTTON_ID, "") : undefined;
  return SELECT_ID.test(interaction.customId) ? interaction.values[0] : undefined;
}

// Paging and lookups replace the message silently; an unban or a confirmed stop says who did it.
// The mention is ours (a user ID), and allowed_mentions keeps it from pinging.
function changes(line: string, ctx: HandlerContext): boolean {
  const name = line.trim().split(/\s+/)[0]?.toLowerCase();
  return ctx.catalogue.find((c) => c.name === name)?.effect !== "read";
}
