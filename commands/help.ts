import { findCommand, renderCommandHelp, renderHelp } from "../src/core/command/help.js";
import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";

export const help = defineCommand({
  name: "help",
  summary: "The command list, or how to use one command",
  examples: ["help", "help ban", "help blocklist", "help blocklist add"],
  options: [{ name: "command", kind: "text", rest: true, description: "a command name" }],
  role: "viewer",
  front: true,
  effect: "read",
  run({ command }, { catalogue }: Ctx<"catalogue">) {
    if (!command) return Promise.resolve(renderHelp(catalogue));
    // `blocklist add` is how the command is typed (and shown on Discord) as well as `blocklist-add`;
    // `help blocklist` lists that family.
    const name = command.trim().split(/\s+/).join("-").toLowerCase();
    const family = catalogue.filter((c) => !c.internal && c.name.startsWith(`${name}-`));
    if (family.length > 0 && !catalogue.some((c) => c.name === name)) return Promise.resolve(renderHelp(family));
    return Promise.resolve(renderCommandHelp(findCommand(catalogue, name)));
  },
});
