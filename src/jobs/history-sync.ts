import type { Logger } from "pino";
import { isUserError } from "../core/errors.js";
import type { Fail2ban } from "../core/ports/fail2ban.js";
import type { History } from "../core/history/history.js";
import type { Job } from "./scheduler.js";

/**
 * Backfills ban history from fail2ban's database: the safety net for events the fail2ban action could
 * not deliver (BanBot stopped, action not installed). Idempotent, so running it often is cheap.
 */
export function historySyncJob(deps: { history: Pick<History, "sync">; fail2ban: Pick<Fail2ban, "dbFile">; log: Logger }): Job {
  // A database BanBot cannot read stays so until someone fixes it: say it once, not every run.
  let warned = false;
  return {
    name: "history-sync",
    schedule: "30 * * * * *",
    async run() {
      try {
        await deps.history.sync(deps.fail2ban);
        warned = false;
      } catch (err) {
        if (!isUserError(err, "fail2ban_db_unavailable")) throw err;
        if (!warned) deps.log.warn({ err }, "ban history cannot backfill from fail2ban's database; only the action's events are archived");
        warned = true;
      }
    },
  };
}
