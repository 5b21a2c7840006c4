import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { builtInAttackers, SyntheticAttackers } from "../../src/demo/attackers.js";
import { embeddedCountryDatabase } from "../../src/core/geo/embedded.js";
import { MmdbReader } from "../../src/core/geo/mmdb-reader.js";
import { classifyAddress } from "../../src/core/ip-ranges.js";
import { FakeGeoReader } from "../fakes/geo-reader.js";

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

  it("hands out fewer when the database places too few addresses", () => {
    expect(new SyntheticAttackers(new FakeGeoReader("empty")).take(5)).toEqual([]);
  });
});
