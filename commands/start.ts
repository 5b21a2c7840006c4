import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";

export const start = defineCommand({
  path: ["start"],
  summary: "Start a stopped jail from fail2ban's configuration",
  examples: ["start sshd"],
  options: [{ name: "jail", kind: "jail", required: true, description: "the jail" }],
  role: "admin",
  effect: "destructive",
  consequence: ({ jail }) =>
    Promise.resolve(
      `Starts ${jail} from fail2ban's configuration: it reads its logs and bans again, fail2ban restores its bans still within their ban time, and BanBot bans its timed bans (\`ban … for\`) again until their end. \`stop ${jail}\` stops it again.`,
    ),
  async run({ jail }, { configOps, jailNotes, timedBanKeeper, host, clock }: Ctx<"configOps" | "jailNotes" | "timedBanKeeper" | "host" | "clock">) {
    await configOps.startJail(jail);
    jailNotes.jailRestarted(host, jail, clock.now());
    // Not left to the capture's start report: without the action installed there is none.
    await timedBanKeeper.jailStarted(jail);
    return { title: `Started ${jail}`, tone: "ok" };
  },
});
