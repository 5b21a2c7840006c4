import type { Logger } from "pino";
import type { History } from "../core/history/history.js";
import type { Job } from "./scheduler.js";

/**
 * Deletes archived ban events older than `history.retention`, once a day; the archive then also rolls
 * the weeks that are over up into its weekly network rollup.
 */
export function historyRetentionJob(deps: { history: Pick<History, "purge">; now: () => number; log: Logger }): Job {
  return {
    name: "history-retention",
    schedule: "0 40 3 * * *",
    run() {
      const deleted = deps.history.purge(deps.now());
      if (deleted > 0) deps.log.info({ deleted }, "old ban history deleted");
      return Promise.resolve();
    },
  };
}
