import { defineCommand } from "../src/core/command/model.js";
import { actorOf } from "../src/core/identity.js";
import type { Ctx } from "../src/core/services.js";

export const unbanAll = defineCommand({
  path: ["unban", "all"],
  summary: "Lift every ban in a jail, or in all jails",
  examples: ["unban-all sshd", "unban-all all"],
  options: [{ name: "jail", kind: "jail", required: true, description: "the jail, or all", autocomplete: "jails" }],
  role: "admin",
  effect: "destructive",
  async consequence({ jail }, { fail2ban }: Ctx<"fail2ban">) {
    const jails = jail === "all" ? (await fail2ban.status()).jails : [jail];
    const counts: string[] = [];
    let total = 0;
    for (const j of jails) {
      const { currentlyBanned } = await fail2ban.jailStatus(j, { short: true });
      total += currentlyBanned;
      if (currentlyBanned > 0) counts.push(`${j} ${currentlyBanned.toLocaleString("en")}`);
    }
    const where = jail === "all" ? `every jail${counts.length > 1 ? ` (${counts.join(", ")})` : ""}` : jail;
    return `Lifts all ${total.toLocaleString("en")} ${total === 1 ? "ban" : "bans"} in ${where}; fail2ban also forgets them, so they are not restored. This cannot be undone from here.`;
  },
  async run({ jail }, { fail2ban, timedBans, history, clock, actor }: Ctx<"fail2ban" | "timedBans" | "history" | "clock">) {
    // Noted first, so the unbans fail2ban reports are archived as this user's.
    const note = (j: string, ips: readonly string[]) => {
      if (ips.length > 0) history.noteOrigin({ jail: j, ips, origin: "manual", actor: actorOf(actor), at: clock.now(), kind: "unban" });
    };
    if (jail === "all") {
      for (const [j, ips] of await fail2ban.banned()) note(j, ips);
      const lifted = await fail2ban.unbanAll();
      timedBans.removeAll();
      return { title: `Lifted all ${lifted} bans in every jail`, tone: "warn" };
    }
    // fail2ban has no per-jail "unban everything"; its list and a chunked unban do the same.
    const ips = await fail2ban.bannedIps(jail);
    note(jail, ips);
    const lifted = await fail2ban.unban(jail, ips);
    timedBans.removeAll(jail);
    return { title: `Lifted all ${lifted} bans in ${jail}`, tone: "warn" };
  },
});
