import { findCommand, renderCommandHelp, renderHelp } from "../src/core/command/help.js";
import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";

export const help = defineCommand({
  name: "help",
  summary: "The command list, or how to use one command",
  examples: ["help", "help ban"],
  options: [{ name: "command", kind: "text", description: "a command name" }],
  role: "viewer",
  effect: "read",
  run({ command }, { catalogue }: Ctx<"catalogue">) {
    return Promise.resolve(command ? renderCommandHelp(findCommand(catalogue, command)) : renderHelp(catalogue));
  },
});
