import { randomBytes } from "node:crypto";
import type { Interaction } from "discord.js";
import { errorReply } from "../../core/reply.js";
import { render, type HandlerContext } from "./context.js";
import { onAutocomplete } from "./on-autocomplete.js";
import { onCommand } from "./on-command.js";
import { onComponent } from "./on-component.js";
import { replyOptions } from "./payload.js";

/**
 * Routes one interaction and never throws: discord.js does not catch a rejected async listener, so
 * a failure here would otherwise crash the process or vanish. The user gets an incident id.
 */
export async function onInteraction(interaction: Interaction, ctx: HandlerContext): Promise<void> {
  try {
    if (interaction.isChatInputCommand() && interaction.commandName === ctx.commandName) await onCommand(interaction, ctx);
    else if (interaction.isAutocomplete() && interaction.commandName === ctx.commandName) await onAutocomplete(interaction, ctx);
    else if (interaction.isButton() || interaction.isStringSelectMenu()) await onComponent(interaction, ctx);
    else ctx.log.debug({ type: interaction.type, interaction: interaction.id }, "ignored an interaction that is not BanBot's");
  } catch (err) {
    const incident = randomBytes(3).toString("hex");
    ctx.log.error({ err, incident, interaction: interaction.id, userId: interaction.user.id }, "discord interaction failed");
    if (!interaction.isRepliable()) return;
    const msg = render(ctx, errorReply(`Something went wrong (ref \`${incident}\`). The details are in BanBot's log.`, "Something went wrong"));
    try {
      await (interaction.deferred || interaction.replied ? interaction.followUp(replyOptions(msg)) : interaction.reply(replyOptions(msg)));
    } catch (second) {
      // Discord itself may be what failed; the first error is already logged with the incident.
      ctx.log.warn({ err: second, incident }, "could not tell the user about a failed interaction");
    }
  }
}
