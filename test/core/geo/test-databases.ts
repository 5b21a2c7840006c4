import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeMmdb, type MmdbValue } from "./mmdb-writer.js";

// Records shaped like MaxMind's (fields, nesting and types as in GeoLite2/GeoIP2), on networks that
// MaxMind's own test databases use, plus an ip-location-db country file.

const place = (code: string, en: string, geonameId: number) => ({ geoname_id: geonameId, iso_code: code, names: { en, de: en } });

export const LONDON = {
  city: { geoname_id: 2643743, names: { en: "London", de: "London" } },
  continent: { code: "EU", geoname_id: 6255148, names: { en: "Europe" } },
  country: { ...place("GB", "United Kingdom", 2635167), is_in_european_union: false },
  location: { accuracy_radius: 10, latitude: 51.5142, longitude: -0.0931, time_zone: "Europe/London" },
  postal: { code: "EC2V" },
  registered_country: place("GB", "United Kingdom", 2635167),
  subdivisions: [{ geoname_id: 6269131, iso_code: "ENG", names: { en: "England" } }],
};

export function cityDatabase(buildEpoch?: number, extraNodeCount?: number): Buffer {
  return writeMmdb({
    databaseType: "GeoLite2-City",
    buildEpoch,
    extraNodeCount,
    networks: {
      "81.2.69.160/27": LONDON,
      "89.160.20.112/28": {
        city: { geoname_id: 2694762, names: { en: "Linköping" } },
        country: place("SE", "Sweden", 2661886),
        location: { accuracy_radius: 76, latitude: 58.4167, longitude: 15.6167 },
      },
      // Known to the country only: no city.
      "2001:218::/32": { country: place("JP", "Japan", 1861060), registered_country: place("JP", "Japan", 1861060) },
    },
  });
}

/**
 * A City database like MaxMind's GeoIP2-City-Test-Invalid-Node-Count.mmdb (not on npm): it opens, and
 * looking up an address of its networks (81.2.69.170, 89.160.20.120, 2001:218::1) throws inside mmdb-lib.
 */
export function invalidNodeCountCityDatabase(): Buffer {
  return cityDatabase(undefined, 500);
}

export function countryDatabase(networks: Record<string, MmdbValue> = {}, buildEpoch?: number): Buffer {
  return writeMmdb({
    databaseType: "GeoLite2-Country",
    buildEpoch,
    networks: {
      "81.2.69.0/24": { continent: { code: "EU" }, country: place("GB", "United Kingdom", 2635167) },
      "216.160.83.56/29": { country: place("US", "United States", 6252001) },
      // Anycast: MaxMind leaves `country` out and names the country the network is registered in.
      "2.2.2.0/24": { registered_country: place("FR", "France", 3017382) },
      ...networks,
    },
  });
}

export function asnDatabase(): Buffer {
  return writeMmdb({
    databaseType: "GeoLite2-ASN",
    networks: {
      "1.128.0.0/11": { autonomous_system_number: 1221, autonomous_system_organization: "Telstra Pty Ltd" },
      "81.2.69.0/24": { autonomous_system_number: 20712, autonomous_system_organization: "Andrews & Arnold Ltd" },
      "2600:6000::/20": { autonomous_system_number: 237, autonomous_system_organization: "Merit Network Inc." },
    },
  });
}

/** ip-location-db's layout: `country_code` only, an IPv4-only tree as in its -ipv4 files. */
export function ipLocationDbCountry(networks: Record<string, string>, ipVersion: 4 | 6 = 6): Buffer {
  return writeMmdb({
    databaseType: "country ipv4",
    ipVersion,
    networks: Object.fromEntries(Object.entries(networks).map(([cidr, code]) => [cidr, { country_code: code }])),
  });
}

/** A scratch directory; `replace` swaps a file atomically, as geoipupdate does. */
export function scratchDir(): { dir: string; write(name: string, data: Buffer): string; replace(name: string, data: Buffer): void; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "banbot-geo-"));
  return {
    dir,
    write(name, data) {
      const path = join(dir, name);
      writeFileSync(path, data);
      return path;
    },
    replace(name, data) {
      const temp = join(dir, `.${name}.tmp`);
      writeFileSync(temp, data);
      renameSync(temp, join(dir, name));
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
