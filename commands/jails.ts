import { defineCommand } from "../src/core/command/model.js";
import type { Cell } from "../src/core/reply.js";
import type { Ctx } from "../src/core/services.js";
import { formatDuration } from "../src/core/time-format.js";

export const jails = defineCommand({
  name: "jails",
  summary: "Every jail with its counters and key settings",
  examples: ["jails"],
  options: [],
  role: "viewer",
  effect: "read",
  async run(_values, { fail2ban, jailNotes, host }: Ctx<"fail2ban" | "jailNotes" | "host">) {
    const { jails: names } = await fail2ban.status();
    const idle = new Map(jailNotes.all(host).map((n) => [n.jail, n.idle]));
    const rows: Cell[][] = [];
    for (const jail of names) {
      const s = await fail2ban.jailStatus(jail, { short: true });
      const settings = await fail2ban.jailLimits(jail);
      rows.push([
        jail,
        s.currentlyBanned,
        s.totalBanned,
        s.currentlyFailed,
        s.totalFailed,
        settings.bantime < 0 ? "forever" : formatDuration(settings.bantime * 1000),
        formatDuration(settings.findtime * 1000),
        settings.maxretry,
        idle.get(jail) ? "idle" : "",
      ]);
    }
    return {
      title: names.length === 0 ? "fail2ban has no jails" : `${names.length} jail${names.length === 1 ? "" : "s"}`,
      tone: "info",
      table: {
        columns: ["jail", "banned", "total", "failing", "failures", "bantime", "findtime", "maxretry", ""],
        rows,
        align: ["left", "right", "right", "right", "right", "right", "right", "right", "left"],
        rowActions: names.map((jail) => ({ label: "Banned", command: `banned ${jail}` })),
      },
    };
  },
});
