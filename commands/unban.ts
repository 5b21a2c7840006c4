import { defineCommand } from "../src/core/command/model.js";
import { plural } from "../src/core/history/describe.js";
import type { Ctx } from "../src/core/services.js";

const NAMED_ABSENT = 10;

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
    // Per address where fail2ban names them (everywhere), else fail2ban's count for the jail.
    let unbanned: number;
    let bans: number;
    let absent: string[] = [];
    if (everywhere) {
      // fail2ban says which jail had which address only once they are lifted; a late note still tags the events.
      const byJail = await fail2ban.unbanEverywhere(ips);
      for (const [j, gone] of byJail) note(j, gone);
      const gone = new Set([...byJail.values()].flat());
      absent = ips.filter((ip) => !gone.has(ip));
      unbanned = gone.size;
      bans = [...byJail.values()].reduce((n, list) => n + list.length, 0);
    } else {
      note(jail, ips);
      unbanned = bans = await fail2ban.unban(jail, ips);
    }
    for (const ip of ips) {
      if (everywhere) timedBans.removeIp(ip);
      else timedBans.remove(jail, ip);
    }
    const where = everywhere ? "every jail" : jail;
    if (unbanned === 0) {
      const inWhere = everywhere ? "any jail" : jail;
      const title = ips.length === 1 ? `${ips[0]!} was not banned in ${inWhere}` : `None of the ${plural(ips.length, "address", "addresses")} were banned in ${inWhere}`;
      return { title, tone: "info" };
    }
    const all = ips.length === 1 ? ips[0]! : plural(ips.length, "address", "addresses");
    const who = unbanned === ips.length ? all : `${unbanned.toLocaleString("en")} of ${all}`;
    const notes = [
      ...(bans > unbanned ? [`${bans.toLocaleString("en")} bans lifted.`] : []),
      ...(unbanned < ips.length ? [notBanned(absent, ips.length - unbanned, where)] : []),
    ];
    return { title: `Unbanned ${who} in ${where}`, tone: "ok", text: notes.length > 0 ? notes.join(" ") : undefined };
  },
});

/** Which of the addresses no jail banned (or how many, for one jail, whose count is all fail2ban tells). */
function notBanned(absent: readonly string[], count: number, where: string): string {
  if (absent.length === 0) return `${plural(count, "address was", "addresses were")} not banned in ${where}.`;
  const named = absent.slice(0, NAMED_ABSENT).join(", ");
  const more = absent.length > NAMED_ABSENT ? ` and ${(absent.length - NAMED_ABSENT).toLocaleString("en")} more` : "";
  return `Not banned in any jail: ${named}${more}.`;
}
