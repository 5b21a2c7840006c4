import { describeResult } from "../geo/country.js";
import type { GeoLookup } from "../geo/model.js";
import { asLabel } from "../history/describe.js";
import type { Place } from "./ban-window.js";

/** Country (or range) and network of each address, for the spike alert's summary (SpikeDeps.locate). */
export function placesOf(geo: GeoLookup, ips: readonly string[]): Map<string, Place> {
  return new Map(
    [...geo.lookupMany(ips)].map(([ip, r]) => {
      const network = r.kind === "found" && r.info.asn !== undefined ? asLabel(r.info.asn, r.info.org) : undefined;
      return [ip, { country: describeResult(r).label, network }];
    }),
  );
}
