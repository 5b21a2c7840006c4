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
