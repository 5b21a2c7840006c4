import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";

export const unbanAll = defineCommand({
  name: "unban-all",
  summary: "Lift every ban in a jail, or in all jails",
  examples: ["unban-all sshd", "unban-all all"],
  options: [{ name: "jail", kind: "jail", required: true, description: "the jail, or all", autocomplete: "jails" }],
  role: "admin",
  effect: "destructive",
  async run({ jail }, { fail2ban, timedBans }: Ctx<"fail2ban" | "timedBans">) {
    if (jail === "all") {
      const lifted = await fail2ban.unbanAll();
      timedBans.removeAll();
      return { title: `Lifted all ${lifted} bans in every jail`, tone: "warn" };
    }
    // fail2ban has no per-jail "unban everything"; its list and a chunked unban do the same.
    const lifted = await fail2ban.unban(jail, await fail2ban.bannedIps(jail));
    timedBans.removeAll(jail);
    return { title: `Lifted all ${lifted} bans in ${jail}`, tone: "warn" };
  },
});
