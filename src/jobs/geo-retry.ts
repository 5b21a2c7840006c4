import type { GeoService } from "../core/geo/service.js";
import type { Job } from "./scheduler.js";

/** Asks again about addresses no database knew (a newer file, or the online fallback), 100 at a time. */
export function geoRetryJob(deps: { geo: Pick<GeoService, "retryUnresolved">; now: () => number }): Job {
  return { name: "geo-retry", schedule: "0 */5 * * * *", run: async () => void (await deps.geo.retryUnresolved(deps.now(), 100)) };
}
