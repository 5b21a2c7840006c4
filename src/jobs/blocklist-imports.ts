import type { Logger } from "pino";
import type { Alert } from "../core/alerts/alert.js";
import { describeRun } from "../core/blocklist/describe.js";
import type { Blocklists, RunReport } from "../core/blocklist/blocklists.js";
import type { AlertState } from "../core/ports/alert-state.js";
import type { AuditLog } from "../core/ports/audit-log.js";
import type { Job } from "./scheduler.js";

/**
 * Runs the imports whose schedule has come round and lifts expired blocklist bans. A failing source
 * raises one alert when it starts failing and one follow-up when it works again, not one per run.
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
        // A scheduled import changes fail2ban like a command would, so the audit log has it too;
        // runs that changed nothing are in the blocklist's own run history only.
        if (report.outcome === "failed" || report.added + report.renewed + report.removed > 0) {
          deps.audit.record({
            at: started,
            host: deps.host,
            platform: "system",
            userId: "scheduler",
            userName: "scheduled import",
            command: "blocklist-import",
            commandLine: `blocklist-import ${source.name}`,
            outcome: report.outcome === "failed" ? "error" : "ok",
            message: describeRun(report).title,
            durationMs: report.durationMs,
          });
        }
        deps.reportRun(report);
        const key = `blocklist:${source.name}`;
        const failing = deps.state.get<{ incident: string }>(key);
        if (report.outcome === "failed" && !failing) {
          const incident = `blocklist:${deps.host}:${source.name}:${deps.now()}`;
          deps.raise({ kind: "blocklist", jail: source.jail, incident, step: "open", reply: { ...describeRun(report), actions: [{ label: "Details", command: `blocklists ${source.name}` }] } });
          deps.state.set(key, { incident }, deps.now());
        } else if (report.outcome !== "failed" && failing) {
          deps.raise({ kind: "blocklist", jail: source.jail, incident: failing.incident, step: "resolve", reply: { title: `Blocklist ${source.name} imports again`, tone: "ok" } });
          deps.state.set(key, null, deps.now());
        }
        deps.log.info({ source: source.name, outcome: report.outcome, added: report.added, removed: report.removed }, "scheduled blocklist import");
      }
      await deps.blocklists.expireDue(deps.now());
    },
  };
}
