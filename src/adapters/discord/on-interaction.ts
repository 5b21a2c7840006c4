import type { Interaction } from "discord.js";
import { newIncident } from "../../core/incident.js";
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
    if (!interaction.inGuild()) await outsideServers(interaction, ctx);
    else if (interaction.isChatInputCommand() && interaction.commandName === ctx.commandName) await onCommand(interaction, ctx);
    else if (interaction.isAutocomplete() && interaction.commandName === ctx.commandName) await onAutocomplete(interaction, ctx);
    else if (interaction.isButton() || interaction.isStringSelectMenu()) await onComponent(interaction, ctx);
    else ctx.log.debug({ type: interaction.type, interaction: interaction.id }, "ignored an interaction that is not BanBot's");
  } catch (err) {
    const incident = newIncident();
    ctx.log.error({ err, incident: incident.id, interaction: interaction.id, userId: interaction.user.id }, "discord interaction failed");
    if (!interaction.isRepliable()) return;
    const msg = render(ctx, incident.reply);
    try {
      await (interaction.deferred || interaction.replied ? interaction.followUp(replyOptions(msg)) : interaction.reply(replyOptions(msg)));
    } catch (second) {
      // Discord itself may be what failed; the first error is already logged with the incident.
      ctx.log.warn({ err: second, incident: incident.id }, "could not tell the user about a failed interaction");
    }
  }
}

const SERVERS_ONLY = errorReply("BanBot answers in the server's channels, where the team sees what is done, not in direct messages.", "Not in DMs");

// `/f2b` is registered for servers only, but a client with an old registration can still send one
// from a DM, where role grants mean nothing and nobody else sees the result.
async function outsideServers(interaction: Interaction, ctx: HandlerContext): Promise<void> {
  ctx.log.debug({ interaction: interaction.id, userId: interaction.user.id }, "refused an interaction outside a server");
  if (interaction.isAutocomplete()) await interaction.respond([]);
  else if (interaction.isRepliable()) await interaction.reply(replyOptions(render(ctx, SERVERS_ONLY)));
}
