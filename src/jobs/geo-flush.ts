import type { GeoService } from "../core/geo/service.js";
import type { Job } from "./scheduler.js";

/** Writes the addresses looked up since the last flush to the SQLite geo cache. */
export function geoFlushJob(geo: Pick<GeoService, "flush">): Job {
  return { name: "geo-flush", schedule: "*/30 * * * * *", run: async () => void (await geo.flush()) };
}
