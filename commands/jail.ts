import { defineCommand } from "../src/core/command/model.js";
import type { Field } from "../src/core/reply.js";
import type { Ctx } from "../src/core/services.js";
import { formatDuration, formatRelative } from "../src/core/time-format.js";

const seconds = (s: number) => (s < 0 ? "forever" : formatDuration(s * 1000));

export const jail = defineCommand({
  name: "jail",
  summary: "Full detail of one jail: filter, logs, actions, timings, ignore list",
  examples: ["jail sshd"],
  options: [{ name: "jail", kind: "jail", required: true, description: "the jail", autocomplete: "jails" }],
  role: "viewer",
  effect: "read",
  async run({ jail: name }, { fail2ban, jailNotes, host, clock }: Ctx<"fail2ban" | "jailNotes" | "host" | "clock">) {
    const s = await fail2ban.jailSettings(name);
    const { status } = s;
    const idle = jailNotes.idleOf(host, name);
    const increment = s.bantimeIncrement;
    const fields: Field[] = [
      { label: "Banned", value: `${status.currentlyBanned} now, ${status.totalBanned} since start` },
      { label: "Failures", value: `${status.currentlyFailed} now, ${status.totalFailed} since start` },
      { label: "Ban time", value: seconds(s.bantime) },
      { label: "Find time", value: seconds(s.findtime) },
      { label: "Max retry", value: String(s.maxretry) },
      {
        label: "Ban time increment",
        value: !increment
          ? "not supported by this fail2ban"
          : increment.enabled
            ? ["on", increment.factor && `factor ${increment.factor}`, increment.maxtime && `max ${increment.maxtime}`].filter(Boolean).join(", ")
            : "off",
      },
      { label: "Backend", value: s.backend ?? (s.journalMatches.length ? "systemd" : "file (polling, pyinotify or auto)") },
      { label: "Logs", value: (s.logpaths.length ? s.logpaths : s.journalMatches).join("\n") || "none" },
      { label: "Date pattern", value: s.datepattern ? `${s.datepattern.pattern}` : "default detectors" },
      { label: "Failure patterns", value: s.failregex.map((r) => `\`${r}\``).join("\n") || "none" },
      { label: "Ignore patterns", value: s.ignoreregex.map((r) => `\`${r}\``).join("\n") || "none" },
      { label: "Actions", value: s.actions.join(", ") || "none" },
      { label: "Ignore list", value: s.ignoreip.join(", ") || "empty" },
      { label: "Ignore own addresses", value: s.ignoreself ? "yes" : "no" },
      {
        label: "Idle",
        value: idle ? `${idle.idle ? "on" : "off"} (set by ${idle.by} ${formatRelative(idle.at, clock.now())})` : "unknown (fail2ban cannot report it; off unless set)",
      },
    ];
    return {
      title: `Jail ${name}`,
      tone: "info",
      fields,
      actions: [
        { label: "Banned", command: `banned ${name}` },
        { label: "Reload", command: `reload ${name}` },
        { label: "Stop", command: `stop ${name}`, style: "danger" },
      ],
    };
  },
});
