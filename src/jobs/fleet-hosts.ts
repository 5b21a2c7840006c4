import { checkFleetHosts, type UnreachableDeps } from "../core/fleet/unreachable.js";
import type { Job } from "./scheduler.js";

/** The front's watch over its hosts' heartbeats, as often as they beat (a divisor of a minute, at least a second). */
export function fleetHostsJob(deps: UnreachableDeps & { intervalMs: number }): Job {
  const { intervalMs, ...check } = deps;
  const seconds = Math.max(1, Math.min(60, Math.round(intervalMs / 1000)));
  return { name: "fleet-hosts", schedule: seconds >= 60 ? "0 * * * * *" : `*/${seconds} * * * * *`, run: () => Promise.resolve(checkFleetHosts(check)) };
}
