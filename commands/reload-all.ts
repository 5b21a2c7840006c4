import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";

export const reloadAll = defineCommand({
  name: "reload-all",
  summary: "Reload every jail from fail2ban's configuration (bans are kept)",
  examples: ["reload-all"],
  options: [],
  role: "admin",
  effect: "destructive",
  consequence: () =>
    Promise.resolve(
      "Reloads every jail from fail2ban's configuration: runtime changes (ignore lists, settings, idle) are replaced by the configured ones, stopped jails start, and jails no longer configured stop. Bans are kept.",
    ),
  async run(_values, { configOps, fail2ban }: Ctx<"configOps" | "fail2ban">) {
    await configOps.reloadAll();
    const { jails } = await fail2ban.status();
    return { title: `Reloaded fail2ban's configuration`, tone: "ok", text: `Running jails: ${jails.join(", ") || "none"}.` };
  },
});
