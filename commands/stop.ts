import { defineCommand } from "../src/core/command/model.js";
import { actorOf } from "../src/core/identity.js";
import type { Ctx } from "../src/core/services.js";

const bans = (n: number) => `${n.toLocaleString("en")} ${n === 1 ? "ban" : "bans"}`;

// The jail's timed bans (`ban … for`) still running: kept across the stop, since fail2ban's database
// holds only their first ban (BanBot's renewals live in fail2ban's memory) and would not restore them.
const timedIn = (jail: string, { timedBans, clock }: Ctx<"timedBans" | "clock">) => [...timedBans.forJail(jail).values()].filter((b) => b.until > clock.now()).length;

export const stop = defineCommand({
  path: ["stop"],
  summary: "Stop a jail: its bans are lifted and it bans nobody until started again",
  examples: ["stop sshd"],
  options: [{ name: "jail", kind: "jail", required: true, description: "the jail", autocomplete: "jails" }],
  role: "admin",
  effect: "destructive",
  async consequence({ jail }, ctx: Ctx<"fail2ban" | "timedBans" | "clock">) {
    const { currentlyBanned } = await ctx.fail2ban.jailStatus(jail, { short: true });
    return stopConsequence(jail, currentlyBanned, timedIn(jail, ctx));
  },
  async run({ jail }, ctx: Ctx<"fail2ban" | "timedBans" | "history" | "clock">) {
    const { fail2ban, history, clock, actor } = ctx;
    // BanBot's action reports the bans a stop lifts; noted, they are archived as this user's
    // (a stop BanBot did not make, such as fail2ban shutting down, is not archived).
    const ips = await fail2ban.bannedIps(jail);
    if (ips.length > 0) history.noteOrigin({ jail, ips, origin: "manual", actor: actorOf(actor), at: clock.now(), kind: "unban" });
    await fail2ban.stopJail(jail);
    const timed = timedIn(jail, ctx);
    const lifted = ips.length > 0 ? `Its ${bans(ips.length)} ${ips.length === 1 ? "was" : "were"} lifted.` : undefined;
    const kept = timed > 0 ? `BanBot keeps its ${timed === 1 ? "timed ban" : `${timed} timed bans`}: \`start ${jail}\` bans ${timed === 1 ? "it" : "them"} again until ${timed === 1 ? "its" : "their"} end.` : undefined;
    return {
      title: `Stopped ${jail}`,
      tone: "warn",
      text: [lifted, kept].filter(Boolean).join(" ") || undefined,
      actions: [{ label: "Start again", command: `start ${jail}` }],
    };
  },
});

/** What confirming `stop` does, for a jail with `banned` bans of which `timed` are timed bans. */
export function stopConsequence(jail: string, banned: number, timed: number): string {
  const back = `\`start ${jail}\` brings back those still within their ban time${timed > 0 ? `, and bans its ${timed === 1 ? "timed ban" : `${timed} timed bans`} (\`ban … for\`) again until ${timed === 1 ? "its" : "their"} end` : ""}`;
  return `Stops ${jail}: it reads no logs and bans nobody until started again, and its ${bans(banned)} ${banned === 1 ? "is" : "are"} lifted now (${back}).`;
}
