import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";

export const unban = defineCommand({
  path: ["unban"],
  summary: "Lift bans of addresses in one jail, or in every jail",
  examples: ["unban 203.0.113.5", "unban 203.0.113.5 sshd", "unban 203.0.113.5 all"],
  options: [
    { name: "ips", kind: "ip-or-cidr", multiple: true, required: true, description: "addresses or CIDR networks to unban", autocomplete: "banned-ips" },
    { name: "jail", kind: "jail", description: "the jail, or all (the default)", autocomplete: "jails" },
  ],
  role: "operator",
  effect: "change",
  async run({ ips, jail }, { fail2ban, timedBans, history, clock, actor }: Ctx<"fail2ban" | "timedBans" | "history" | "clock">) {
    const everywhere = jail === undefined || jail === "all";
    const note = (j: string, lifting: readonly string[]) =>
      history.noteOrigin({ jail: j, ips: lifting, origin: "manual", actor: `${actor.platform}:${actor.userId}`, at: clock.now(), kind: "unban" });
    let lifted: number;
    if (everywhere) {
      // fail2ban says which jail had which address only once they are lifted; a late note still tags the events.
      const byJail = await fail2ban.unbanEverywhere(ips);
      for (const [j, gone] of byJail) note(j, gone);
      lifted = [...byJail.values()].reduce((n, gone) => n + gone.length, 0);
    } else {
      note(jail, ips);
      lifted = await fail2ban.unban(jail, ips);
    }
    for (const ip of ips) {
      if (everywhere) timedBans.removeIp(ip);
      else timedBans.remove(jail, ip);
    }
    const who = ips.length === 1 ? ips[0]! : `${ips.length} addresses`;
    const where = everywhere ? "every jail" : jail;
    if (lifted === 0) return { title: `${who} ${ips.length === 1 ? "was" : "were"} not banned in ${where}`, tone: "info" };
    return {
      title: `Unbanned ${who} in ${where}`,
      tone: "ok",
      text: lifted > ips.length ? `${lifted} bans lifted.` : undefined,
    };
  },
});
