import { defineCommand } from "../src/core/command/model.js";
import { actorOf } from "../src/core/identity.js";
import type { Ctx } from "../src/core/services.js";

const bans = (n: number) => `${n.toLocaleString("en")} ${n === 1 ? "ban" : "bans"}`;

export const stop = defineCommand({
  path: ["stop"],
  summary: "Stop a jail: its bans are lifted and it bans nobody until started again",
  examples: ["stop sshd"],
  options: [{ name: "jail", kind: "jail", required: true, description: "the jail", autocomplete: "jails" }],
  role: "admin",
  effect: "destructive",
  async consequence({ jail }, { fail2ban }: Ctx<"fail2ban">) {
    const { currentlyBanned } = await fail2ban.jailStatus(jail, { short: true });
    return `Stops ${jail}: it reads no logs and bans nobody until started again, and its ${bans(currentlyBanned)} ${currentlyBanned === 1 ? "is" : "are"} lifted now (\`start ${jail}\` brings back those still within their ban time).`;
  },
  async run({ jail }, { fail2ban, timedBans, history, clock, actor }: Ctx<"fail2ban" | "timedBans" | "history" | "clock">) {
    // BanBot's action reports the bans a stop lifts; noted, they are archived as this user's
    // (a stop BanBot did not make, such as fail2ban shutting down, is not archived).
    const ips = await fail2ban.bannedIps(jail);
    if (ips.length > 0) history.noteOrigin({ jail, ips, origin: "manual", actor: actorOf(actor), at: clock.now(), kind: "unban" });
    await fail2ban.stopJail(jail);
    // Lifted with the jail: nothing is left to renew or lift.
    timedBans.removeAll(jail);
    return {
      title: `Stopped ${jail}`,
      tone: "warn",
      text: ips.length > 0 ? `Its ${bans(ips.length)} ${ips.length === 1 ? "was" : "were"} lifted.` : undefined,
      actions: [{ label: "Start again", command: `start ${jail}` }],
    };
  },
});
