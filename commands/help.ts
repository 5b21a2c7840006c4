import { findCommand, renderCommandHelp, renderHelp } from "../src/core/command/help.js";
import { subcommandsOf } from "../src/core/command/parse.js";
import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";

export const help = defineCommand({
  path: ["help"],
  summary: "The command list, or how to use one command",
  examples: ["help", "help ban", "help blocklist", "help blocklist add"],
  options: [{ name: "command", kind: "text", rest: true, description: "a command name" }],
  role: "viewer",
  front: true,
  effect: "read",
  run({ command }, { catalogue }: Ctx<"catalogue">) {
    if (!command) return Promise.resolve(renderHelp(catalogue));
    // A command is asked about as it is typed, by its path (`blocklist add`) or its name
    // (`blocklist-add`); `help blocklist` lists the commands under that word.
    const words = command.trim().toLowerCase().split(/\s+/);
    const exact = catalogue.find((c) => c.path.length === words.length && c.path.every((w, i) => w.toLowerCase() === words[i]));
    if (exact) return Promise.resolve(renderCommandHelp(exact));
    const family = subcommandsOf(catalogue, words);
    if (family.length > 0) return Promise.resolve(renderHelp(family));
    return Promise.resolve(renderCommandHelp(findCommand(catalogue, words.join("-"))));
  },
});
