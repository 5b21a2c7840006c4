import { defineCommand } from "../src/core/command/model.js";
import { isUserError } from "../src/core/errors.js";
import { idleState } from "../src/core/idle-state.js";
import type { Cell } from "../src/core/reply.js";
import type { Ctx } from "../src/core/services.js";
import { formatDuration } from "../src/core/time-format.js";

export const jails = defineCommand({
  path: ["jails"],
  summary: "Every jail with its counters and key settings, and configured jails that are stopped",
  examples: ["jails"],
  options: [],
  role: "viewer",
  effect: "read",
  async run(_values, { fail2ban, configOps, jailNotes, host, clock }: Ctx<"fail2ban" | "configOps" | "jailNotes" | "host" | "clock">) {
    const { jails: names } = await fail2ban.status();
    const notes = new Map(jailNotes.all(host).map((n) => [n.jail, n]));
    const replyNotes: string[] = [];
    const rows: Cell[][] = [];
    for (const jail of names) {
      const s = await fail2ban.jailStatus(jail, { short: true });
      const settings = await fail2ban.jailLimits(jail);
      const idle = await idleState(fail2ban, jail, notes.get(jail), clock.now());
      if (idle.short === "idle?") replyNotes.push(`${jail}: idle ${idle.detail}.`);
      rows.push([
        jail,
        s.currentlyBanned,
        s.totalBanned,
        s.currentlyFailed,
        s.totalFailed,
        settings.bantime < 0 ? "forever" : formatDuration(settings.bantime * 1000),
        formatDuration(settings.findtime * 1000),
        settings.maxretry,
        idle.short,
      ]);
    }
    // A stopped jail is gone from fail2ban's status; its configuration still has it.
    let stopped: string[] = [];
    try {
      stopped = (await configOps.configuredJails()).map((j) => j.name).filter((j) => !names.includes(j));
    } catch (err) {
      if (!isUserError(err)) throw err;
      replyNotes.push(`Stopped jails are not listed: ${err.message}`);
    }
    for (const jail of stopped) rows.push([jail, "", "", "", "", "", "", "", "stopped"]);
    const running = `${names.length} jail${names.length === 1 ? "" : "s"}`;
    return {
      title: names.length + stopped.length === 0 ? "fail2ban has no jails" : stopped.length ? `${running} running, ${stopped.length} stopped` : running,
      tone: "info",
      table: {
        columns: ["jail", "banned", "total", "failing", "failures", "bantime", "findtime", "maxretry", ""],
        rows,
        align: ["left", "right", "right", "right", "right", "right", "right", "right", "left"],
        rowActions: [...names.map((jail) => ({ label: "Banned", command: `banned ${jail}` })), ...stopped.map((jail) => ({ label: "Start", command: `start ${jail}` }))],
      },
      notes: replyNotes.length ? replyNotes : undefined,
    };
  },
});
