import { createRequire } from "node:module";

/**
 * The country database shipped as an npm dependency (ip-location-db's geo-whois-asn-country, CC0 per
 * its package; the underlying RIR data is CC BY 4.0 by the NRO), so geo works without configuration.
 * Resolved through node_modules rather than copied, so `npm update` refreshes it.
 */
export function embeddedCountryDatabase(): { path: string; label: string; note: string } {
  const require = createRequire(import.meta.url);
  const path = require.resolve("@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb");
  return { path, label: "geo-whois-asn-country", note: "built-in" };
}

/**
 * The ASN table shipped as an npm dependency (ip-location-db's asn: RouteViews, the RIRs' data via
 * the NRO and DB-IP's ASN Lite, each CC BY 4.0, so answers shown publicly carry their attribution;
 * docs/geo.md). Used where `geo.builtin_asn` is on, and by the demo. Its build date is in the
 * package's version (2.3.YYYYMMDDHH).
 */
export function embeddedAsnDatabase(): { ipv4: string; ipv6: string; name: string } {
  const require = createRequire(import.meta.url);
  const ipv4 = require.resolve("@ip-location-db/asn/asn-ipv4-num.csv");
  const { version } = require("@ip-location-db/asn/package.json") as { version: string };
  const built = /^\d+\.\d+\.(\d{4})(\d{2})(\d{2})/.exec(version);
  return { ipv4, ipv6: require.resolve("@ip-location-db/asn/asn-ipv6-num.csv"), name: `ip-location-db asn${built ? ` ${built[1]}-${built[2]}-${built[3]}` : ""} (built-in)` };
}
