import type { Logger } from "pino";
import type { Fail2ban } from "../core/fail2ban/client.js";
import type { TimedBans } from "../store/timed-bans.js";
import type { Job } from "./scheduler.js";

const BATCH = 500;

/**
 * Lifts bans made with `for <duration>` once their time is up. The records live in SQLite, so a ban
 * that came due while BanBot was down is lifted at the first run after it starts again.
 */
export function timedBanExpiryJob(deps: {
  timedBans: TimedBans;
  fail2ban: Pick<Fail2ban, "unban">;
  now: () => number;
  log: Logger;
}): Job {
  return {
    name: "timed-ban-expiry",
    schedule: "*/15 * * * * *",
    async run() {
      const due = deps.timedBans.due(deps.now(), BATCH);
      const byJail = new Map<string, string[]>();
      for (const ban of due) byJail.set(ban.jail, [...(byJail.get(ban.jail) ?? []), ban.ip]);
      for (const [jail, ips] of byJail) {
        // Unbanning an address fail2ban already let go is harmless; the record goes either way.
        const lifted = await deps.fail2ban.unban(jail, ips);
        for (const ip of ips) deps.timedBans.remove(jail, ip);
        deps.log.info({ jail, due: ips.length, lifted }, "timed bans lifted");
      }
    },
  };
}
