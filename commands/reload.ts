import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";

export const reload = defineCommand({
  path: ["reload"],
  summary: "Reload a jail from fail2ban's configuration files (bans are kept)",
  examples: ["reload sshd"],
  options: [{ name: "jail", kind: "jail", required: true, description: "the jail", autocomplete: "jails" }],
  role: "operator",
  effect: "change",
  async run({ jail }, { configOps, jailNotes, host, clock }: Ctx<"configOps" | "jailNotes" | "host" | "clock">) {
    await configOps.reloadJail(jail);
    // fail2ban turns idle off on a reload; BanBot's note must not say otherwise.
    jailNotes.jailRestarted(host, jail, clock.now());
    return { title: `Reloaded ${jail} from its configuration`, tone: "ok", notes: ["Runtime changes to its ignore list and settings were replaced by the configured ones, and it is not idle."] };
  },
});
