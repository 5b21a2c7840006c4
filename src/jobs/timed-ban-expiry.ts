import type { TimedBanKeeper } from "../core/timed-ban-keeper.js";
import type { Job } from "./scheduler.js";

/**
 * Keeps bans made with `for <duration>`: renews those that outlast the jail's bantime before
 * fail2ban lifts them, and lifts them once their time is up. The records live in SQLite, so a ban
 * that came due while BanBot was down is lifted at the first run after it starts again.
 */
export function timedBanExpiryJob(keeper: Pick<TimedBanKeeper, "run">): Job {
  return { name: "timed-ban-expiry", schedule: "*/15 * * * * *", run: () => keeper.run() };
}
