import type { Logger } from "pino";
import type { Alert } from "../core/alerts/alert.js";
import { checkBlocklistRun, scheduledImportAudit } from "../core/alerts/blocklist.js";
import type { Blocklists, RunReport } from "../core/blocklist/blocklists.js";
import type { AlertState } from "../core/ports/alert-state.js";
import type { AuditLog } from "../core/ports/audit-log.js";
import type { Job } from "./scheduler.js";

/**
 * Runs the imports whose schedule has come round and lifts expired blocklist bans; what a run means
 * for alerts and the audit log is src/core/alerts/blocklist.ts's to decide.
 */
export function blocklistImportsJob(deps: {
  blocklists: Blocklists;
  state: AlertState;
  raise: (a: Alert) => void;
  /** A run that changed a lot is news for the alert channel (Alerts.blocklistRun). */
  reportRun: (report: RunReport) => void;
  audit: Pick<AuditLog, "record">;
  now: () => number;
  host: string;
  log: Logger;
}): Job {
  return {
    name: "blocklist-imports",
    schedule: "0 * * * * *",
    async run() {
      for (const source of deps.blocklists.dueSources(deps.now())) {
        const started = deps.now();
        const report = await deps.blocklists.runImport(source.name, { trigger: "schedule" });
        const entry = scheduledImportAudit(deps.host, source, report, started);
        if (entry) deps.audit.record(entry);
        deps.reportRun(report);
        checkBlocklistRun(deps, source, report);
        deps.log.info({ source: source.name, outcome: report.outcome, added: report.added, removed: report.removed }, "scheduled blocklist import");
      }
      await deps.blocklists.expireDue(deps.now());
    },
  };
}
