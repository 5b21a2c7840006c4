import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";

export const start = defineCommand({
  name: "start",
  summary: "Start a stopped jail from fail2ban's configuration",
  examples: ["start sshd"],
  options: [{ name: "jail", kind: "jail", required: true, description: "the jail" }],
  role: "admin",
  effect: "destructive",
  async run({ jail }, { configOps }: Ctx<"configOps">) {
    await configOps.startJail(jail);
    return { title: `Started ${jail}`, tone: "ok" };
  },
});
