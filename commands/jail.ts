import { defineCommand } from "../src/core/command/model.js";
import type { Field } from "../src/core/reply.js";
import { isUserError } from "../src/core/errors.js";
import type { Fail2banConfigOps } from "../src/core/fail2ban/config-ops.js";
import type { JailSettings } from "../src/core/fail2ban/settings.js";
import { idleState } from "../src/core/idle-state.js";
import type { Reply } from "../src/core/reply.js";
import type { Ctx } from "../src/core/services.js";
import { formatDuration } from "../src/core/time-format.js";

const seconds = (s: number) => (s < 0 ? "forever" : formatDuration(s * 1000));

export const jail = defineCommand({
  path: ["jail"],
  summary: "Full detail of one jail: filter, logs, actions, timings, ignore list",
  examples: ["jail sshd"],
  options: [{ name: "jail", kind: "jail", required: true, description: "the jail", autocomplete: "jails" }],
  role: "viewer",
  effect: "read",
  async run({ jail: name }, { fail2ban, configOps, jailNotes, host, clock }: Ctx<"fail2ban" | "configOps" | "jailNotes" | "host" | "clock">) {
    let s: JailSettings;
    try {
      s = await fail2ban.jailSettings(name);
    } catch (err) {
      if (isUserError(err, "unknown_jail") && (await isConfigured(configOps, name))) return stoppedReply(name);
      throw err;
    }
    const { status } = s;
    const idle = await idleState(fail2ban, name, jailNotes.idleOf(host, name), clock.now());
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
      { label: "Idle", value: idle.detail },
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

// fail2ban forgets a stopped jail; its configuration (fail2ban-client -d) still enables it.
async function isConfigured(configOps: Pick<Fail2banConfigOps, "configuredJails">, name: string): Promise<boolean> {
  try {
    return (await configOps.configuredJails()).some((j) => j.name === name);
  } catch {
    return false;
  }
}

function stoppedReply(name: string): Reply {
  return {
    title: `Jail ${name} is stopped`,
    tone: "warn",
    text: `fail2ban's configuration enables it, but it is not running: it reads no logs and bans nobody. \`start ${name}\` starts it again (bans still within their ban time come back).`,
    actions: [{ label: "Start", command: `start ${name}` }],
  };
}
