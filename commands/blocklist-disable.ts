import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";

export const blocklistDisable = defineCommand({
  path: ["blocklist", "disable"],
  summary: "Stop running a blocklist on its schedule; its bans stay",
  examples: ["blocklist disable drop"],
  options: [{ name: "name", kind: "text", required: true, description: "the source" }],
  role: "admin",
  effect: "change",
  run({ name }, { blocklists }: Ctx<"blocklists">) {
    const source = blocklists.setEnabled(name, false);
    return Promise.resolve({ title: `Disabled blocklist ${source.name}`, tone: "ok" as const, notes: ["Its bans stay; `blocklist import` still runs it by hand, `blocklist remove` lifts them."] });
  },
});
