import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";

export const idle = defineCommand({
  path: ["idle"],
  summary: "Pause (on) or resume (off) a jail without stopping it",
  examples: ["idle sshd on", "idle sshd off"],
  options: [
    { name: "jail", kind: "jail", required: true, description: "the jail", autocomplete: "jails" },
    { name: "state", kind: "enum", values: ["on", "off"], required: true, description: "on or off" },
  ],
  role: "operator",
  effect: "change",
  async run({ jail, state }, { fail2ban, jailNotes, host, clock, actor }: Ctx<"fail2ban" | "jailNotes" | "host" | "clock">) {
    const on = await fail2ban.setIdle(jail, state === "on");
    // fail2ban cannot report idleness over its socket, so BanBot remembers what it set.
    jailNotes.setIdle({ host, jail, idle: on, by: actor.userName ?? actor.userId, at: clock.now() });
    return on
      ? { title: `${jail} is idle: it reads no logs and bans nobody until \`idle ${jail} off\``, tone: "warn", actions: [{ label: "Resume", command: `idle ${jail} off` }] }
      : { title: `${jail} is active again`, tone: "ok" };
  },
});
