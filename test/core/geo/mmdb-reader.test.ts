import { readFileSync } from "node:fs";
import { Reader } from "maxmind";
import { describe, expect, it } from "vitest";
import { embeddedCountryDatabase } from "../../../src/core/geo/embedded.js";
import { MmdbReader } from "../../../src/core/geo/mmdb-reader.js";
import { writeMmdb } from "./mmdb-writer.js";
import { asnDatabase, cityDatabase, countryDatabase, ipLocationDbCountry } from "./test-databases.js";

describe(MmdbReader.name, () => {
  it("reads a GeoLite2-City record: country, its English name and the city", () => {
    const reader = new MmdbReader(cityDatabase());
    expect(reader.get("81.2.69.170")).toEqual({ countryCode: "GB", countryName: "United Kingdom", city: "London" });
    expect(reader.get("89.160.20.120")).toEqual({ countryCode: "SE", countryName: "Sweden", city: "Linköping" });
    expect(reader.get("2001:218:1::1")).toEqual({ countryCode: "JP", countryName: "Japan" });
    expect(reader.get("81.2.70.1")).toBeUndefined();
  });

  it("reads a GeoLite2-Country record, falling back to the registered country for anycast networks", () => {
    const reader = new MmdbReader(countryDatabase());
    expect(reader.get("216.160.83.57")).toEqual({ countryCode: "US", countryName: "United States" });
    expect(reader.get("2.2.2.2")).toEqual({ countryCode: "FR", countryName: "France" });
  });

  it("reads a GeoLite2-ASN record: number and organisation", () => {
    const reader = new MmdbReader(asnDatabase());
    expect(reader.asnOnly).toBe(true);
    expect(reader.get("1.128.0.1")).toEqual({ asn: 1221, org: "Telstra Pty Ltd" });
    expect(reader.get("2600:6000::1")).toEqual({ asn: 237, org: "Merit Network Inc." });
  });

  it("reads AS 0 (no AS, RFC 7607) as no AS rather than a number to show", () => {
    const reader = new MmdbReader(
      writeMmdb({
        databaseType: "GeoLite2-ASN",
        networks: { "9.0.0.0/8": { autonomous_system_number: 0 }, "11.0.0.0/8": { autonomous_system_number: 0, autonomous_system_organization: "unrouted" } },
      }),
    );
    expect(reader.get("9.1.1.1")).toBeUndefined();
    expect(reader.get("11.1.1.1")?.asn).toBeUndefined();
  });

  it("reads an ip-location-db file, which has codes only, and names the country with ICU", () => {
    const reader = new MmdbReader(ipLocationDbCountry({ "5.6.0.0/16": "DE", "5.7.0.0/16": "de" }));
    expect(reader.get("5.6.7.8")).toEqual({ countryCode: "DE", countryName: "Germany" });
    expect(reader.get("5.7.0.1")).toEqual({ countryCode: "DE", countryName: "Germany" });
  });

  it("reads the built-in CC0 database from its npm package", () => {
    const { path, label, note } = embeddedCountryDatabase();
    const reader = new MmdbReader(readFileSync(path), { label, note });
    expect(reader.name).toMatch(/^geo-whois-asn-country \d{4}-\d{2}-\d{2} \(built-in\)$/);
    expect(reader.get("8.8.8.8")).toEqual({ countryCode: "US", countryName: "United States" });
    expect(reader.get("2a00:1450:4001::1")?.countryCode).toMatch(/^[A-Z]{2}$/);
  });

  it("is named after the database type and build date", () => {
    expect(new MmdbReader(cityDatabase(1_763_424_000)).name).toBe("GeoLite2-City 2025-11-18");
  });

  it("answers nothing for IPv6 addresses from an IPv4-only tree, where the raw reader returns garbage", () => {
    const data = ipLocationDbCountry({ "0.0.0.0/1": "US", "128.0.0.0/1": "CN" }, 4);
    expect(new Reader(data).get("2a00::1")).not.toBeNull();
    expect(new MmdbReader(data).get("2a00::1")).toBeUndefined();
    expect(new MmdbReader(data).get("9.9.9.9")?.countryCode).toBe("US");
  });

  it("drops records it cannot use instead of guessing", () => {
    const reader = new MmdbReader(
      writeMmdb({
        databaseType: "GeoLite2-Country",
        networks: { "9.0.0.0/8": { country: { iso_code: 42 } }, "10.0.0.0/8": { continent: { code: "EU" } }, "11.0.0.0/8": { country: { iso_code: "E1" } } },
      }),
    );
    expect(reader.get("9.1.1.1")).toBeUndefined();
    expect(reader.get("10.1.1.1")).toBeUndefined();
    expect(reader.get("11.1.1.1")).toBeUndefined();
  });

  it("refuses databases of other kinds and files that are no database", () => {
    const anonymous = writeMmdb({ databaseType: "GeoIP2-Anonymous-IP", networks: {} });
    expect(() => new MmdbReader(anonymous)).toThrow('unsupported database type "GeoIP2-Anonymous-IP"');
    expect(() => new MmdbReader(Buffer.from("not a database"))).toThrow();
  });
});
