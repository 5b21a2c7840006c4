import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";

export const alertsUnmute = defineCommand({
  path: ["alerts", "unmute"],
  summary: "Lift a mute set with alerts mute",
  examples: ["alerts unmute spike:sshd"],
  options: [{ name: "what", kind: "text", required: true, description: "what was muted" }],
  role: "operator",
  front: true,
  effect: "change",
  run({ what }, { mutes }: Ctx<"mutes">) {
    return Promise.resolve(mutes.unmute(what) ? { title: `${what} alerts are on again`, tone: "ok" as const } : { title: `${what} was not muted`, tone: "info" as const });
  },
});
