import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";

export const reloadAll = defineCommand({
  path: ["reload", "all"],
  summary: "Reload every jail from fail2ban's configuration (bans are kept)",
  examples: ["reload-all"],
  options: [],
  role: "admin",
  effect: "destructive",
  consequence: () =>
    Promise.resolve(
      "Reloads every jail from fail2ban's configuration: runtime changes (ignore lists, settings, idle) are replaced by the configured ones, stopped jails start, and jails no longer configured stop. Bans are kept.",
    ),
  async run(_values, { configOps, fail2ban, jailNotes, host, clock }: Ctx<"configOps" | "fail2ban" | "jailNotes" | "host" | "clock">) {
    await configOps.reloadAll();
    const { jails } = await fail2ban.status();
    // fail2ban turns idle off on a reload; BanBot's notes must not say otherwise.
    for (const jail of jails) jailNotes.jailRestarted(host, jail, clock.now());
    return { title: `Reloaded fail2ban's configuration`, tone: "ok", text: `Running jails: ${jails.join(", ") || "none"}.` };
  },
});
