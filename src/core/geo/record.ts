import { z } from "zod";
import { countryName } from "./country.js";
import type { GeoRecord } from "./model.js";

// One schema for every layout we read, since they share field names: MaxMind GeoLite2/GeoIP2
// Country and City (`country.iso_code`, `city.names.en`), GeoLite2-ASN and GeoIP2-ISP
// (`autonomous_system_*`, in `traits` for Enterprise), and ip-location-db (`country_code`, `city`
// as text). Unknown fields are ignored; a field of the wrong type drops the record.
const Names = z.object({ en: z.string().optional() });
const Place = z.object({ iso_code: z.string().optional(), names: Names.optional() });
const Asn = {
  autonomous_system_number: z.number().int().nonnegative().optional(),
  autonomous_system_organization: z.string().optional(),
};

const MmdbRecord = z.object({
  country: Place.optional(),
  // Set where `country` is not, e.g. for anycast networks: the country the network is registered in.
  registered_country: Place.optional(),
  country_code: z.string().optional(),
  city: z.union([z.object({ names: Names.optional() }), z.string()]).optional(),
  ...Asn,
  traits: z.object(Asn).optional(),
});

/** A decoded MMDB record as a GeoRecord; undefined when it says nothing we use. */
export function normaliseRecord(raw: unknown): GeoRecord | undefined {
  const parsed = MmdbRecord.safeParse(raw);
  if (!parsed.success) return undefined;
  const r = parsed.data;
  const place = r.country?.iso_code ? r.country : r.registered_country;
  const code = (place?.iso_code ?? r.country_code)?.toUpperCase();
  const out: GeoRecord = {};
  if (code && /^[A-Z]{2}$/.test(code)) {
    out.countryCode = code;
    const name = place?.names?.en ?? countryName(code);
    if (name) out.countryName = name;
  }
  const city = typeof r.city === "string" ? r.city : r.city?.names?.en;
  if (city) out.city = city;
  const asn = r.autonomous_system_number ?? r.traits?.autonomous_system_number;
  // AS 0 is "no AS" (RFC 7607), what some databases write for unrouted space: shown as unknown, not as AS0.
  if (asn !== undefined && asn !== 0) out.asn = asn;
  const org = r.autonomous_system_organization ?? r.traits?.autonomous_system_organization;
  if (org) out.org = org;
  return Object.keys(out).length > 0 ? out : undefined;
}
