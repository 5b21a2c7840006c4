import { describeRun } from "../blocklist/describe.js";
import type { RunReport, Source } from "../blocklist/blocklists.js";
import type { AlertState } from "../ports/alert-state.js";
import type { AuditEntry } from "../ports/audit-log.js";
import type { Alert } from "./alert.js";

export interface BlocklistAlertDeps {
  state: AlertState;
  raise: (alert: Alert) => void;
  now: () => number;
  host: string;
}

/**
 * A failing source raises one alert when it starts failing and one follow-up when it works again,
 * not one per run: what the source's last state was is kept in `AlertState`.
 */
export function checkBlocklistRun(deps: BlocklistAlertDeps, source: Pick<Source, "name" | "jail">, report: RunReport): void {
  const key = `blocklist:${source.name}`;
  const failing = deps.state.get<{ incident: string }>(key);
  if (report.outcome === "failed" && !failing) {
    const incident = `blocklist:${deps.host}:${source.name}:${deps.now()}`;
    const reply = { ...describeRun(report), actions: [{ label: "Details", command: `blocklists ${source.name}` }] };
    deps.raise({ kind: "blocklist", jail: source.jail, incident, step: "open", reply });
    deps.state.set(key, { incident }, deps.now());
  } else if (report.outcome !== "failed" && failing) {
    const reply = { title: `Blocklist ${source.name} imports again`, tone: "ok" as const };
    deps.raise({ kind: "blocklist", jail: source.jail, incident: failing.incident, step: "resolve", reply });
    deps.state.set(key, null, deps.now());
  }
}

/**
 * A scheduled import changes fail2ban like a command would, so the audit log has it too; runs that
 * changed nothing are in the blocklist's own run history only (undefined: nothing to audit).
 */
export function scheduledImportAudit(host: string, source: Pick<Source, "name">, report: RunReport, startedAt: number): AuditEntry | undefined {
  if (report.outcome !== "failed" && report.added + report.renewed + report.removed === 0) return undefined;
  return {
    at: startedAt,
    host,
    platform: "system",
    userId: "scheduler",
    userName: "scheduled import",
    command: "blocklist-import",
    commandLine: `blocklist-import ${source.name}`,
    outcome: report.outcome === "failed" ? "error" : "ok",
    message: describeRun(report).title,
    durationMs: report.durationMs,
  };
}
