import type { Fail2ban } from "../core/fail2ban/client.js";
import type { History } from "../core/history/history.js";
import type { Job } from "./scheduler.js";

/**
 * Backfills ban history from fail2ban's database: the safety net for events the fail2ban action could
 * not deliver (BanBot stopped, action not installed). Idempotent, so running it often is cheap.
 */
export function historySyncJob(deps: { history: Pick<History, "sync">; fail2ban: Pick<Fail2ban, "dbFile">; schedule?: string }): Job {
  return {
    name: "history-sync",
    schedule: deps.schedule ?? "30 * * * * *",
    async run() {
      await deps.history.sync(deps.fail2ban);
    },
  };
}
