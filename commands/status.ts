import { defineCommand } from "../src/core/command/model.js";
import { isUserError } from "../src/core/errors.js";
import type { Ctx } from "../src/core/services.js";

export const status = defineCommand({
  name: "status",
  summary: "Is fail2ban reachable? Version, jails and ban counts",
  examples: ["status"],
  options: [],
  role: "viewer",
  effect: "read",
  async run(_values, { fail2ban, host }: Ctx<"fail2ban" | "host">) {
    try {
      const version = await fail2ban.version();
      const { jails } = await fail2ban.status();
      let current = 0;
      let total = 0;
      for (const jail of jails) {
        const s = await fail2ban.jailStatus(jail, { short: true });
        current += s.currentlyBanned;
        total += s.totalBanned;
      }
      return {
        title: `fail2ban ${version} is up on ${host}`,
        tone: "ok",
        fields: [
          { label: "Jails", value: jails.length === 0 ? "none" : `${jails.length} (${jails.join(", ")})` },
          { label: "Banned now", value: String(current) },
          { label: "Banned since start", value: String(total) },
        ],
      };
    } catch (err) {
      // Unreachability is the answer here, not a failure of the command.
      if (!isUserError(err)) throw err;
      return { title: `fail2ban is not answering on ${host}`, tone: "error", text: err.message };
    }
  },
});
