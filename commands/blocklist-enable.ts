import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";

export const blocklistEnable = defineCommand({
  path: ["blocklist", "enable"],
  summary: "Run a blocklist on its schedule again",
  examples: ["blocklist enable drop"],
  options: [{ name: "name", kind: "text", required: true, description: "the source" }],
  role: "admin",
  effect: "change",
  run({ name }, { blocklists }: Ctx<"blocklists">) {
    const source = blocklists.setEnabled(name, true);
    return Promise.resolve({ title: `Enabled blocklist ${source.name}`, tone: "ok" as const });
  },
});
