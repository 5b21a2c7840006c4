import type { Database } from "better-sqlite3";
import type { Fail2ban } from "../core/fail2ban/client.js";
import type { Scheduler } from "../jobs/scheduler.js";
import type { HealthReport } from "./server.js";

const FAIL2BAN_PROBE_MS = 2_000;

/** What `/healthz` reports: fail2ban answering, the store readable, every chat adapter up, the jobs. */
export function healthCheck(deps: {
  fail2ban: Pick<Fail2ban, "ping">;
  db: Database;
  adapters: () => Record<string, boolean>;
  scheduler: Pick<Scheduler, "active" | "jobStatus">;
}): () => Promise<HealthReport> {
  return async () => {
    const checks: HealthReport["checks"] = {};
    try {
      await Promise.race([
        deps.fail2ban.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error("no answer within 2s")), FAIL2BAN_PROBE_MS).unref()),
      ]);
      checks.fail2ban = { ok: true };
    } catch (err) {
      checks.fail2ban = { ok: false, detail: err instanceof Error ? err.message : String(err) };
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
