import { describe, expect, it } from "vitest";
import { countryLabel, countryName, describeResult, flagEmoji } from "../../../src/core/geo/country.js";

describe("flagEmoji", () => {
  it.each([
    ["DE", "🇩🇪"],
    ["GB", "🇬🇧"],
    ["US", "🇺🇸"],
    ["de", ""],
    ["DEU", ""],
    ["", ""],
  ])("GIVEN %j THEN %j", (code, flag) => {
    expect(flagEmoji(code)).toBe(flag);
  });
});

describe("countryName", () => {
  it("names countries in English from their ISO code", () => {
    expect(countryName("DE")).toBe("Germany");
    expect(countryName("CI")).toBe("Côte d’Ivoire");
    expect(countryName("XK")).toBe("Kosovo");
  });

  it("knows nothing of malformed or unassigned codes", () => {
    expect(countryName("de")).toBeUndefined();
    expect(countryName("1A")).toBeUndefined();
    expect(countryName("AA")).toBeUndefined();
  });
});

describe("countryLabel", () => {
  it("puts the flag before the name, or before the code when the name is unknown", () => {
    expect(countryLabel({ countryCode: "DE", countryName: "Germany" })).toBe("🇩🇪 Germany");
    expect(countryLabel({ countryCode: "AA" })).toBe("🇦🇦 AA");
    expect(countryLabel({})).toBe("unknown");
  });
});

describe("describeResult", () => {
  it("labels each kind of result", () => {
    const info = { countryCode: "SE", countryName: "Sweden", city: "Linköping", source: "GeoLite2-City 2025-11-18" };
    expect(describeResult({ kind: "found", ip: "89.160.20.120", info })).toEqual({ label: "🇸🇪 Sweden", info });
    expect(describeResult({ kind: "found", ip: "1.128.0.1", info: { asn: 1221, source: "GeoLite2-ASN" } })).toEqual({
      label: "unknown",
      info: { asn: 1221, source: "GeoLite2-ASN" },
    });
    expect(describeResult({ kind: "special", ip: "192.0.2.1", label: "documentation range", range: "192.0.2.0/24" })).toEqual({
      label: "documentation range",
    });
    expect(describeResult({ kind: "unknown", ip: "5.6.7.8" })).toEqual({ label: "unknown" });
    expect(describeResult({ kind: "invalid", ip: "nope" })).toEqual({ label: "not an IP address" });
  });
});
