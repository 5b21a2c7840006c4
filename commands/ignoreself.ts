import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";

export const ignoreself = defineCommand({
  path: ["ignoreself"],
  summary: "Make a jail ignore (or not) the server's own addresses",
  examples: ["ignoreself sshd on"],
  options: [
    { name: "jail", kind: "jail", required: true, description: "the jail", autocomplete: "jails" },
    { name: "state", kind: "enum", values: ["on", "off"], required: true, description: "on or off" },
  ],
  role: "operator",
  effect: "change",
  async run({ jail, state }, { fail2ban }: Ctx<"fail2ban">) {
    const on = await fail2ban.setIgnoreSelf(jail, state === "on");
    return { title: `${jail} ${on ? "now ignores" : "no longer ignores"} the server's own addresses`, tone: "ok" };
  },
});
