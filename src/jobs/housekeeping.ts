import type { Logger } from "pino";
import type { RateLimiter } from "../core/rate-limit.js";
import type { Confirmations } from "../core/ports/confirmations.js";
import type { Job } from "./scheduler.js";

/** Drops expired confirmations and rested rate-limit buckets, so neither grows with time. */
export function housekeepingJob(deps: { confirmations: Confirmations; rateLimiter: RateLimiter; now: () => number; log: Logger }): Job {
  return {
    name: "housekeeping",
    schedule: "0 */5 * * * *",
    run() {
      const confirmations = deps.confirmations.purgeExpired(deps.now());
      const buckets = deps.rateLimiter.prune();
      deps.log.debug({ confirmations, buckets }, "housekeeping");
      return Promise.resolve();
    },
  };
}
