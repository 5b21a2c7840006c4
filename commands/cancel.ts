import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";

export const cancel = defineCommand({
  name: "cancel",
  summary: "Drop a pending confirmation (what a Cancel button runs)",
  examples: ["cancel 3k9sQ2xVbT1m"],
  options: [{ name: "token", kind: "text", required: true, description: "the confirmation to drop" }],
  role: "viewer",
  internal: true,
  effect: "change",
  run({ token }, { confirmations }: Ctx<"confirmations">) {
    const dropped = confirmations.cancel(token);
    return Promise.resolve({ title: dropped ? "Cancelled; nothing was changed" : "Nothing to cancel: it was already confirmed, cancelled or expired", tone: "info" as const });
  },
});
