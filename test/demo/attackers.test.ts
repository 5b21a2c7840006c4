import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { builtInAttackers, SyntheticAttackers } from "../../src/demo/attackers.js";
import { embeddedCountryDatabase } from "../../src/core/geo/embedded.js";
import { MmdbReader } from "../../src/core/geo/mmdb-reader.js";
import { classifyAddress } from "../../src/core/ip-ranges.js";
import { FakeGeoReader } from "../fakes/geo-reader.js";
import { ipLocationDbCountry } from "../core/geo/test-databases.js";

describe(SyntheticAttackers.name, () => {
  it("draws public addresses the built-in database places, in several countries, never twice", () => {
    const attackers = builtInAttackers();
    const countries = new MmdbReader(readFileSync(embeddedCountryDatabase().path));
    const first = attackers.take(40);
    const second = attackers.take(40);
    expect(first).toHaveLength(40);
    expect(new Set([...first, ...second]).size).toBe(80);
    const perCountry = new Map<string, number>();
    for (const ip of first) {
      expect(classifyAddress(ip)?.kind).toBe("public");
      const code = countries.get(ip)?.countryCode;
      expect(code).toMatch(/^[A-Z]{2}$/);
      perCountry.set(code!, (perCountry.get(code!) ?? 0) + 1);
    }
    expect(perCountry.size).toBeGreaterThanOrEqual(5);
    expect(Math.max(...perCountry.values())).toBeLessThanOrEqual(8);
  });

  it("with an ASN table, hands out only addresses it names an AS for", () => {
    // Eight countries over 1.0.0.0/8; an AS only where the third byte is even.
    const codes = ["AU", "JP", "CN", "IN", "TH", "KR", "VN", "ID"];
    const countries = new MmdbReader(ipLocationDbCountry(Object.fromEntries(codes.map((code, i) => [`1.${i * 32}.0.0/11`, code])), 4));
    const networks = { name: "even", get: (ip: string) => (Number(ip.split(".")[2]) % 2 === 0 ? { asn: 64500 } : undefined) };
    let n = 0;
    // Draws that walk 1.0.0.0/8 (the top byte fixed at 1), so both kinds of address come up.
    const random = () => (0x01000000 + ((n++ * 2_654_435_761) % 0x01000000)) / 2 ** 32;
    const picked = new SyntheticAttackers(countries, random, networks).take(5);
    expect(picked).toHaveLength(5);
    for (const ip of picked) expect(networks.get(ip), ip).toBeDefined();
    n = 0;
    expect(new SyntheticAttackers(countries, random).take(5).filter((ip) => networks.get(ip) === undefined)).not.toEqual([]);
  });

  it("hands out fewer when the database places too few addresses", () => {
    expect(new SyntheticAttackers(new FakeGeoReader("empty")).take(5)).toEqual([]);
  });
});
