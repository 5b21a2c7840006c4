import { checkHealth, type HealthDeps } from "../core/alerts/health.js";
import type { Job } from "./scheduler.js";

/** Checks that fail2ban answers and its jails still run, every `intervalMs` (a divisor of a minute). */
export function healthCheckJob(deps: HealthDeps & { intervalMs: number }): Job {
  const { intervalMs, ...health } = deps;
  return { name: "health-check", schedule: everySeconds(intervalMs / 1000), run: () => checkHealth(health) };
}

// Croner patterns have a seconds field; the config only allows intervals that divide a minute.
function everySeconds(seconds: number): string {
  return seconds >= 60 ? "0 * * * * *" : `*/${seconds} * * * * *`;
}
