import { banRisk } from "../src/core/ban-risk.js";
import { defineCommand } from "../src/core/command/model.js";
import { actorOf } from "../src/core/identity.js";
import { liveJobRunner } from "../src/core/job-runner.js";
import type { Field } from "../src/core/reply.js";
import type { Ctx } from "../src/core/services.js";
import { formatDuration, formatTime } from "../src/core/time-format.js";

type BanCtx = Ctx<"fail2ban" | "timedBans" | "history" | "clock" | "host" | "hostAddresses" | "jobs">;

export const ban = defineCommand({
  path: ["ban"],
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
    const { fail2ban, timedBans, history, clock, host, jobs, actor } = ctx;
    const now = clock.now();
    const who = actorOf(actor);
    // Each chunk noted before it is sent, so the ban events the history receives from fail2ban are
    // tagged with who made them (and, for a timed ban, its real length rather than the jail's bantime).
    const banSeconds = duration !== undefined ? { banSeconds: Math.round(duration / 1000) } : {};
    const added = await fail2ban.ban(jail, ips, { beforeSend: (chunk) => history.noteOrigin({ jail, ips: chunk, origin: "manual", actor: who, at: now, ...banSeconds }) });
    const notes: string[] = [];
    const subject = ips.length === 1 ? ips[0]! : `${ips.length} addresses`;
    let title = `Banned ${subject} in ${jail}`;
    let fields: Field[] | undefined;
    if (duration !== undefined) {
      const until = now + duration;
      const { bantime } = await fail2ban.jailLimits(jail);
      // fail2ban lifts it after the jail's bantime from now (also one it had banned already: banning
      // it again moves its end there); BanBot bans it again before then, until `until`.
      const f2bUntil = bantime < 0 ? undefined : now + bantime * 1000;
      // Recorded so the jobs renew and lift it when the time comes, also after a restart.
      for (const ip of ips) timedBans.upsert({ host, jail, ip, until, createdAt: now, actor: who, f2bUntil });
      const own = bantime < 0 ? `${jail} bans forever` : `${jail}'s own ban time is ${formatDuration(bantime * 1000)}`;
      if (!liveJobRunner(jobs, now)) {
        // Nothing keeps the timed ban: what will happen is fail2ban's own end, so that is what it says.
        title += bantime < 0 ? " (it bans forever)" : ` for ${formatDuration(bantime * 1000)}, ${jail}'s ban time`;
        fields = [{ label: "Until", value: f2bUntil === undefined ? "never: fail2ban bans forever" : `${formatTime(f2bUntil)} (fail2ban's end)` }];
        notes.push(
          `No BanBot process runs the background jobs now (\`banbot start\` does), and only they keep a timed ban: until one runs, fail2ban keeps its own end (${own}), not ${formatTime(until)}.`,
        );
      } else {
        title += ` for ${formatDuration(duration)}`;
        fields = [{ label: "Until", value: formatTime(until) }];
        if (f2bUntil !== undefined && f2bUntil < until) notes.push(`${own}: BanBot bans it again before fail2ban's end, until ${formatTime(until)}.`);
      }
    }
    const already = ips.length - added;
    if (already > 0 && ips.length === 1 && duration === undefined) {
      // Not "Banned X": it was banned before. Banning it again only moves the end of that ban (fail2ban's
      // BanManager.addBanTicket) to the jail's ban time from now, if that is later.
      const { bantime } = await fail2ban.jailLimits(jail);
      title = `${ips[0]} was already banned in ${jail}`;
      notes.push(
        bantime < 0
          ? `${jail} bans forever: it stays banned.`
          : `Banning it again moved its end to ${formatTime(now + bantime * 1000)} (${jail}'s ban time from now), unless it already ended later.`,
      );
    } else if (already > 0) notes.unshift(ips.length === 1 ? "It was already banned." : `${already} ${already === 1 ? "was" : "were"} already banned.`);
    return {
      title,
      tone: "ok",
      fields,
      notes,
      actions: ips.length === 1 ? [{ label: "Unban", command: `unban ${ips[0]} ${jail}` }] : [{ label: "Unban all of them", command: `unban ${ips.join(" ")} ${jail}` }],
    };
  },
});
