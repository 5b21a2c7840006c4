import { ALERT_KINDS } from "../src/core/alerts/alert.js";
import { defineCommand } from "../src/core/command/model.js";
import { UserError } from "../src/core/errors.js";
import type { Ctx } from "../src/core/services.js";
import { formatDuration } from "../src/core/time-format.js";

const KINDS: readonly string[] = ALERT_KINDS;

export const alertsMute = defineCommand({
  path: ["alerts", "mute"],
  summary: "Mute alerts of a kind, of a jail, or of a kind in a jail (spike:sshd), for a while or until unmuted",
  examples: ["alerts mute spike:sshd for 1h", "alerts mute health for 30m", "alerts mute nginx-http-auth"],
  options: [
    { name: "what", kind: "text", required: true, description: `a kind (${KINDS.join(", ")}), a jail, or kind:jail` },
    { name: "duration", kind: "duration", keyword: "for", description: "how long; until unmuted when left out" },
  ],
  role: "operator",
  front: true,
  effect: "change",
  run({ what, duration }, { mutes, clock, actor }: Ctx<"mutes" | "clock">) {
    const [kind, jail, extra] = what.split(":");
    if (extra !== undefined || (jail !== undefined && !KINDS.includes(kind!))) {
      throw new UserError("invalid_argument", `Mute a kind (${KINDS.join(", ")}), a jail, or kind:jail like spike:sshd.`);
    }
    const now = clock.now();
    mutes.mute({ what, until: duration === undefined ? undefined : now + duration, by: actor.userName ?? actor.userId, at: now });
    return Promise.resolve({
      title: `Muted ${what} alerts ${duration === undefined ? "until unmuted" : `for ${formatDuration(duration)}`}`,
      tone: "ok" as const,
      text: "Incidents already announced still get their resolution.",
      actions: [{ label: "Unmute", command: `alerts-unmute ${what}` }],
    });
  },
});
