import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";

const list = (jails: readonly string[]) => jails.join(", ");

export const reloadAll = defineCommand({
  path: ["reload", "all"],
  summary: "Reload every jail from fail2ban's configuration (jails still configured keep their bans)",
  examples: ["reload-all"],
  options: [],
  role: "admin",
  effect: "destructive",
  async consequence(_values, { configOps, fail2ban }: Ctx<"configOps" | "fail2ban">) {
    const first = "Reloads every jail from fail2ban's configuration: runtime changes (ignore lists, settings, idle) are replaced by the configured ones";
    const { jails } = await fail2ban.status();
    let configured: string[];
    try {
      configured = (await configOps.configuredJails()).map((j) => j.name);
    } catch {
      // The reload itself will say what is wrong with the configuration; the rule still holds.
      return `${first}. Jails still configured keep their bans; a running jail no longer configured stops, and a stop lifts its bans.`;
    }
    const starting = configured.filter((j) => !jails.includes(j));
    const gone = jails.filter((j) => !configured.includes(j));
    const kept = jails.filter((j) => configured.includes(j));
    const keep = gone.length === 0 ? ", and every running jail keeps its bans" : kept.length === 0 ? "" : `, and ${list(kept)} ${kept.length === 1 ? "keeps its" : "keep their"} bans`;
    const parts = [`${first}${keep}.`];
    if (starting.length > 0) parts.push(`Stopped ${starting.length === 1 ? "jail" : "jails"} ${list(starting)} ${starting.length === 1 ? "starts" : "start"}.`);
    for (const jail of gone) {
      const { currentlyBanned: n } = await fail2ban.jailStatus(jail, { short: true });
      parts.push(`${jail} is no longer configured: it stops, and its ${n.toLocaleString("en")} ${n === 1 ? "ban is" : "bans are"} lifted.`);
    }
    return parts.join(" ");
  },
  async run(_values, { configOps, fail2ban, jailNotes, timedBanKeeper, host, clock }: Ctx<"configOps" | "fail2ban" | "jailNotes" | "timedBanKeeper" | "host" | "clock">) {
    const before = (await fail2ban.status()).jails;
    await configOps.reloadAll();
    const { jails } = await fail2ban.status();
    // fail2ban turns idle off on a reload; BanBot's notes must not say otherwise.
    for (const jail of jails) jailNotes.jailRestarted(host, jail, clock.now());
    // A jail that was stopped started: as after `start`, its timed bans are banned again.
    for (const jail of jails.filter((j) => !before.includes(j))) await timedBanKeeper.jailStarted(jail);
    return { title: `Reloaded fail2ban's configuration`, tone: "ok", text: `Running jails: ${jails.join(", ") || "none"}.` };
  },
});
