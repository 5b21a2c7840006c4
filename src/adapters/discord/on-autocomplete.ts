import type { AutocompleteInteraction } from "discord.js";
import type { AnyCommand } from "../../core/services.js";
import type { HandlerContext } from "./context.js";
import { identityOf } from "./identity.js";
import { invokedCommand } from "./slash.js";
import { ON_OPTION, takesTarget } from "./schema.js";
import { SUGGESTION_SOURCE, type SuggestKind } from "./suggest.js";

/**
 * Suggestions for the option being typed; an empty list rather than a late one. Jail names and
 * banned addresses are what `jails` and `banned` show, so only members whose role may run those
 * (in this channel) get them, and a fleet's hosts (`on`) only those who may run the command they
 * type: anyone else in the server sees no suggestions.
 */
export async function onAutocomplete(interaction: AutocompleteInteraction, ctx: HandlerContext): Promise<void> {
  const invoked = invokedCommand(interaction.options.data, ctx.layout);
  const focused = invoked?.options.find((o) => o.focused);
  const wanted = invoked && focused ? suggesting(invoked.command, focused.name, ctx.fleet) : undefined;
  if (!invoked || !focused || !wanted || !ctx.dispatcher.mayRun(identityOf(interaction), wanted.source)) {
    await interaction.respond([]);
    return;
  }
  const given = (name: string) => {
    const value = invoked.options.find((o) => o.name === name && !o.focused)?.value;
    return typeof value === "string" ? value : undefined;
  };
  const choices = await ctx.suggestions.choices({
    kind: wanted.kind,
    typed: String(focused.value),
    jail: given("jail"),
    target: ctx.fleet ? given(ON_OPTION) : undefined,
    multiple: wanted.multiple,
  });
  await interaction.respond(choices);
}

/** What the option `name` of `command` suggests, and the command whose role may see it. */
function suggesting(command: AnyCommand, name: string, fleet: boolean): { kind: SuggestKind; source: string; multiple: boolean } | undefined {
  if (name === ON_OPTION && takesTarget(command, fleet)) return { kind: "hosts", source: command.name, multiple: true };
  const spec = command.options.find((o) => o.name === name);
  return spec?.autocomplete ? { kind: spec.autocomplete, source: SUGGESTION_SOURCE[spec.autocomplete], multiple: spec.multiple === true } : undefined;
}
