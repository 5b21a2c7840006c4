import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../../commands/index.js";
import { discordLayout } from "../../../src/adapters/discord/schema.js";
import type { OptionSpec } from "../../../src/core/command/model.js";
import { useBanBot } from "../../harness/banbot.js";
import { titleOf, useDiscord } from "./harness.js";
import { ADMIN, GRANTS_YAML } from "./users.js";

// A value Discord would let an admin type for each option kind.
function sample(spec: OptionSpec): string | number {
  switch (spec.kind) {
    case "ip":
      return "192.0.2.77";
    case "ip-or-cidr":
      return "192.0.2.0/24";
    case "jail":
      return "alpha";
    case "duration":
      return "1h";
    case "int":
      return spec.min ?? 1;
    case "enum":
      return spec.values[0] ?? "";
    case "text":
      return "x";
  }
}

// Whatever the catalogue grows to, every subcommand Discord shows must reach its command and come
// back as a reply (a refusal or a UserError is an answer; an incident or a parse failure is not).
describe("every catalogue command through Discord", () => {
  const bot = useBanBot({ yaml: GRANTS_YAML });
  const discord = useDiscord({ core: () => bot.core });
  const placements = discordLayout(COMMANDS);

  it.each(placements.map((p) => [[p.group, p.subcommand].filter(Boolean).join(" "), p] as const))("/f2b %s answers", async (_, placement) => {
    const options = Object.fromEntries(placement.command.options.filter((o) => o.required && !o.internal).map((o) => [o.name, sample(o)]));
    const { message } = await discord.answer(discord.slashRaw(ADMIN, { group: placement.group, subcommand: placement.subcommand, options }));
    const title = titleOf(message);
    expect(title).toBeTruthy();
    expect(title).not.toMatch(/^(Something went wrong|Cannot read that command)$/);
  });
});
