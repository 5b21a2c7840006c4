import { defineCommand } from "../src/core/command/model.js";
import { NOT_YOURS } from "../src/core/access.js";
import { UserError } from "../src/core/errors.js";
import type { Ctx } from "../src/core/services.js";

export const cancel = defineCommand({
  path: ["cancel"],
  summary: "Drop a pending confirmation (what a Cancel button runs)",
  examples: ["cancel 3k9sQ2xVbT1m"],
  options: [{ name: "token", kind: "text", required: true, description: "the confirmation to drop" }],
  role: "viewer",
  front: true,
  internal: true,
  effect: "change",
  run({ token }, { confirmations, actor }: Ctx<"confirmations">) {
    const result = confirmations.cancel(token, actor);
    // Thrown, not returned: the dispatcher audits a not_allowed refusal as one.
    if (result === "not_yours") throw new UserError("not_allowed", NOT_YOURS);
    const title = result === "cancelled" ? "Cancelled; nothing was changed" : "Nothing to cancel: it was already confirmed, cancelled or expired";
    return Promise.resolve({ title, tone: "info" as const });
  },
});
