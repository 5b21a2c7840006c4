import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";

export const stop = defineCommand({
  name: "stop",
  summary: "Stop a jail: its bans are lifted and it bans nobody until started again",
  examples: ["stop sshd"],
  options: [{ name: "jail", kind: "jail", required: true, description: "the jail", autocomplete: "jails" }],
  role: "admin",
  effect: "destructive",
  async run({ jail }, { fail2ban }: Ctx<"fail2ban">) {
    await fail2ban.stopJail(jail);
    return { title: `Stopped ${jail}`, tone: "warn", actions: [{ label: "Start again", command: `start ${jail}` }] };
  },
});
