import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";

export const reloadAll = defineCommand({
  name: "reload-all",
  summary: "Reload every jail from fail2ban's configuration (bans are kept)",
  examples: ["reload-all"],
  options: [],
  role: "admin",
  effect: "destructive",
  async run(_values, { configOps, fail2ban }: Ctx<"configOps" | "fail2ban">) {
    await configOps.reloadAll();
    const { jails } = await fail2ban.status();
    return { title: `Reloaded fail2ban's configuration`, tone: "ok", text: `Running jails: ${jails.join(", ") || "none"}.` };
  },
});
