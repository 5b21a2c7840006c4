import type { Database } from "better-sqlite3";
import { isUserError } from "../core/errors.js";
import type { Fail2ban } from "../core/ports/fail2ban.js";
import { describeNoPing } from "../core/fail2ban/socket-errors.js";
import type { Scheduler } from "../jobs/scheduler.js";
import type { HealthReport } from "./server.js";

const FAIL2BAN_PROBE_MS = 2_000;

/** What `/healthz` reports: fail2ban answering a ping, the store readable, every chat adapter up, the jobs. */
export function healthCheck(deps: {
  fail2ban: Pick<Fail2ban, "ping">;
  db: Database;
  adapters: () => Record<string, boolean>;
  scheduler: Pick<Scheduler, "active" | "jobStatus">;
}): () => Promise<HealthReport> {
  return async () => {
    const checks: HealthReport["checks"] = {};
    // Judged by an answered ping, never by the socket file (systemd may hold it: socket activation).
    const started = performance.now();
    try {
      await deps.fail2ban.ping({ timeoutMs: FAIL2BAN_PROBE_MS });
      checks.fail2ban = { ok: true, detail: `answered a ping in ${Math.round(performance.now() - started)} ms` };
    } catch (err) {
      const detail = isUserError(err) ? describeNoPing(err, FAIL2BAN_PROBE_MS) : err instanceof Error ? err.message : String(err);
      checks.fail2ban = { ok: false, detail };
    }
    try {
      deps.db.prepare("SELECT 1").get();
      checks.database = { ok: true };
    } catch (err) {
      checks.database = { ok: false, detail: err instanceof Error ? err.message : String(err) };
    }
    for (const [platform, up] of Object.entries(deps.adapters())) checks[platform] = { ok: up };
    const failing = deps.scheduler.jobStatus().filter((j) => j.lastError !== undefined);
    // Jobs matter for health only through what they watch; a failing one is reported, not fatal.
    checks.scheduler = {
      ok: true,
      detail: `${deps.scheduler.active ? "runs the jobs" : "another process runs the jobs"}${failing.length ? `; failing: ${failing.map((j) => j.name).join(", ")}` : ""}`,
    };
    return { healthy: Object.values(checks).every((c) => c.ok), checks };
  };
}
