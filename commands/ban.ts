import { banRisk } from "../src/core/ban-risk.js";
import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";
import { formatDuration, formatTime } from "../src/core/time-format.js";

type BanCtx = Ctx<"fail2ban" | "timedBans" | "history" | "clock" | "host" | "hostAddresses">;

export const ban = defineCommand({
  name: "ban",
  summary: "Ban addresses or networks in a jail now, optionally for a set time",
  examples: ["ban 203.0.113.5 sshd", "ban 203.0.113.5 2001:db8::5 sshd for 2h", "ban 198.51.100.0/24 sshd"],
  options: [
    { name: "ips", kind: "ip-or-cidr", multiple: true, required: true, description: "addresses or CIDR networks to ban" },
    { name: "jail", kind: "jail", required: true, description: "the jail", autocomplete: "jails" },
    { name: "duration", kind: "duration", keyword: "for", description: "lift the ban after this long" },
  ],
  role: "operator",
  effect: "change",
  async confirm({ ips, jail }, { fail2ban, hostAddresses }: BanCtx) {
    return banRisk(ips, { jail, ignoreList: await fail2ban.ignoreList(jail), hostAddresses: hostAddresses() });
  },
  async run({ ips, jail, duration }, ctx: BanCtx) {
    const { fail2ban, timedBans, history, clock, host, actor } = ctx;
    const now = clock.now();
    // Noted first, so the ban event the history receives from fail2ban is tagged with who made it.
    history.noteOrigin({ jail, ips, origin: "manual", actor: `${actor.platform}:${actor.userId}`, at: now });
    const added = await fail2ban.ban(jail, ips);
    const notes: string[] = [];
    if (duration !== undefined) {
      // Recorded so the scheduler lifts it when the time comes, also after a restart.
      for (const ip of ips) timedBans.upsert({ host, jail, ip, until: now + duration, createdAt: now, actor: `${actor.platform}:${actor.userId}` });
      const { bantime } = await fail2ban.jailLimits(jail);
      if (bantime >= 0 && bantime * 1000 < duration) {
        notes.push(`${jail}'s own ban time is ${formatDuration(bantime * 1000)}, so fail2ban may lift it sooner.`);
      }
    }
    const already = ips.length - added;
    const who = ips.length === 1 ? ips[0]! : `${ips.length} addresses`;
    return {
      title: `Banned ${who} in ${jail}${duration !== undefined ? ` for ${formatDuration(duration)}` : ""}`,
      tone: "ok",
      fields: duration !== undefined ? [{ label: "Until", value: formatTime(now + duration) }] : undefined,
      notes: [...(already > 0 ? [`${already} ${already === 1 ? "was" : "were"} already banned.`] : []), ...notes],
      actions: ips.length === 1 ? [{ label: "Unban", command: `unban ${ips[0]} ${jail}` }] : [{ label: "Unban all of them", command: `unban ${ips.join(" ")} ${jail}` }],
    };
  },
});
