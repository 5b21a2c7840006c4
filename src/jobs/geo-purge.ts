import type { GeoService } from "../core/geo/service.js";
import type { Job } from "./scheduler.js";

/** Drops addresses not seen for `geo.cache.retention` from the geo cache, once a day. */
export function geoPurgeJob(deps: { geo: Pick<GeoService, "purge">; now: () => number }): Job {
  return { name: "geo-purge", schedule: "0 17 3 * * *", run: () => Promise.resolve(void deps.geo.purge(deps.now())) };
}
