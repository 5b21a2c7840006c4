import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AsnTable } from "../../../src/core/geo/asn-table.js";
import { checkGeoFiles, openGeoDatabases } from "../../../src/core/geo/databases.js";
import { embeddedAsnDatabase, embeddedCountryDatabase } from "../../../src/core/geo/embedded.js";
import { lookupReaders } from "../../../src/core/geo/merge.js";
import { silentLog } from "../../harness/client.js";
import { useTempDir } from "../../harness/temp-dir.js";
import { asnDatabase, cityDatabase } from "./test-databases.js";

describe(AsnTable.name, () => {
  const tmp = useTempDir("bbasn-");

  it("GIVEN ip-location-db's numeric CSV THEN answers AS and organisation by range, IPv4 and IPv6", () => {
    const ipv4 = join(tmp.path, "v4.csv");
    const ipv6 = join(tmp.path, "v6.csv");
    // Sorted, as the package's are: 1.0.0.0–1.0.0.255, 1.0.4.0–1.0.7.255 (a quoted name with a comma and
    // a quote), 2.0.0.0/24 with a name in UTF-8, 8.8.8.0/24 with no name (the IPv6 line names its AS).
    writeFileSync(ipv4, '16777216,16777471,13335,"Cloudflare, Inc."\n16778240,16779263,38803,"The ""Quoted"" Net"\n33554432,33554687,3352,Telefónica de España\n134744064,134744319,15169\n');
    // 2001:4860::/32
    writeFileSync(ipv6, "42541956123769884636017138956568135680,42541956202998047150281476550112083967,15169,Google LLC\n");
    const table = new AsnTable({ ipv4, ipv6, name: "test asn" });
    expect(table.get("1.0.0.1")).toEqual({ asn: 13335, org: "Cloudflare, Inc." });
    expect(table.get("1.0.7.255")).toEqual({ asn: 38803, org: 'The "Quoted" Net' });
    expect(table.get("8.8.8.8")).toEqual({ asn: 15169, org: "Google LLC" });
    expect(table.get("2.0.0.1")).toEqual({ asn: 3352, org: "Telefónica de España" });
    expect(table.get("2001:4860:4860::8888")).toEqual({ asn: 15169, org: "Google LLC" });
    expect(table.get("1.0.1.1")).toBeUndefined();
    expect(table.get("2001:db8::1")).toBeUndefined();
  });

  it("GIVEN the built-in table turned on THEN a lookup has the country and the AS, naming both sources", () => {
    const dbs = openGeoDatabases({ files: [], checkIntervalMs: 0, embedded: embeddedCountryDatabase(), embeddedAsn: embeddedAsnDatabase(), log: silentLog });
    try {
      expect(lookupReaders(dbs.readers, "8.8.8.8")).toEqual({
        countryCode: "US",
        countryName: "United States",
        asn: 15169,
        org: "Google LLC",
        source: expect.stringMatching(/^geo-whois-asn-country \d{4}-\d\d-\d\d \(built-in\) \+ ip-location-db asn \d{4}-\d\d-\d\d \(built-in\)$/),
      });
    } finally {
      dbs.close();
    }
    const off = openGeoDatabases({ files: [], checkIntervalMs: 0, embedded: embeddedCountryDatabase(), log: silentLog });
    expect(lookupReaders(off.readers, "8.8.8.8")?.asn).toBeUndefined();
    off.close();
  });

  it("GIVEN doctor THEN it says where AS numbers come from, or that none do and how to get them", () => {
    const embedded = embeddedCountryDatabase();
    const city = join(tmp.path, "GeoLite2-City.mmdb");
    const asn = join(tmp.path, "GeoLite2-ASN.mmdb");
    writeFileSync(city, cityDatabase());
    writeFileSync(asn, asnDatabase());
    expect(checkGeoFiles([], embedded)).toBe(
      "none configured: the built-in country database (geo-whois-asn-country); no AS numbers: `ip` and `top asns` show networks as unknown (add a GeoLite2-ASN file or set geo.builtin_asn: docs/geo.md)",
    );
    expect(checkGeoFiles([city], embedded)).toMatch(/^\S+GeoLite2-City\.mmdb \(GeoLite2-City [\d-]+\); no AS numbers: /);
    expect(checkGeoFiles([city, asn], embedded)).toMatch(new RegExp(`; AS numbers from ${asn.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
    expect(checkGeoFiles([], embedded, embeddedAsnDatabase())).toMatch(/; AS numbers from the built-in ASN table \(ip-location-db asn \d{4}-\d\d-\d\d \(built-in\)\)$/);
    // A table that cannot be read is a problem with its fix, not a silent "no AS numbers".
    expect(() => checkGeoFiles([], embedded, { ipv4: join(tmp.path, "missing.csv"), name: "gone" })).toThrow(
      "geo.builtin_asn: the built-in ASN table cannot be used (ENOENT): reinstall BanBot's npm packages (npm ci)",
    );
  });

  it("GIVEN load() THEN the table is read then, not at the first lookup", () => {
    const table = (name: string) => {
      const ipv4 = join(tmp.path, `${name}.csv`);
      writeFileSync(ipv4, "134744064,134744319,15169,Google LLC\n");
      return { ipv4, name };
    };
    const open = (files: { ipv4: string; name: string }) => openGeoDatabases({ files: [], checkIntervalMs: 0, embedded: embeddedCountryDatabase(), embeddedAsn: files, log: silentLog });
    const loaded = table("loaded");
    const early = open(loaded);
    early.load();
    // Gone after load(): the lookup still has the AS, so it was read at load().
    rmSync(loaded.ipv4);
    expect(lookupReaders(early.readers, "8.8.8.8")?.asn).toBe(15169);
    early.close();

    const lazy = table("lazy");
    const late = open(lazy);
    rmSync(lazy.ipv4);
    expect(lookupReaders(late.readers, "8.8.8.8")?.asn).toBeUndefined();
    late.close();
  });
});
