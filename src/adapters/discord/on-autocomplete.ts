import type { AutocompleteInteraction } from "discord.js";
import type { HandlerContext } from "./context.js";
import { identityOf } from "./identity.js";
import { invokedCommand } from "./slash.js";
import { SUGGESTION_SOURCE } from "./suggest.js";

/**
 * Suggestions for the option being typed; an empty list rather than a late one. Jail names and
 * banned addresses are what `jails` and `banned` show, so only members whose role may run those
 * (in this channel) get them: anyone else in the server sees no suggestions.
 */
export async function onAutocomplete(interaction: AutocompleteInteraction, ctx: HandlerContext): Promise<void> {
  const invoked = invokedCommand(interaction.options.data, ctx.layout);
  const focused = invoked?.options.find((o) => o.focused);
  const spec = invoked?.command.options.find((o) => o.name === focused?.name);
  if (!invoked || !focused || !spec?.autocomplete || !ctx.dispatcher.mayRun(identityOf(interaction), SUGGESTION_SOURCE[spec.autocomplete])) {
    await interaction.respond([]);
    return;
  }
  const jail = invoked.options.find((o) => o.name === "jail" && !o.focused)?.value;
  const choices = await ctx.suggestions.choices({
    kind: spec.autocomplete,
    typed: String(focused.value),
    jail: typeof jail === "string" ? jail : undefined,
    multiple: spec.multiple === true,
  });
  await interaction.respond(choices);
}
