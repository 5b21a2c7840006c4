import { describe, expect, it } from "vitest";
import { lookupReaders } from "../../../src/core/geo/merge.js";
import { FakeGeoReader } from "../../fakes/geo-reader.js";

const IP = "81.2.69.170";

describe("lookupReaders", () => {
  it("takes the country and city from the first database that knows the country", () => {
    const country = new FakeGeoReader("GeoLite2-Country", { [IP]: { countryCode: "GB", countryName: "United Kingdom" } });
    const city = new FakeGeoReader("GeoLite2-City", { [IP]: { countryCode: "GB", countryName: "Britain", city: "London" } });
    expect(lookupReaders([city, country], IP)).toEqual({
      countryCode: "GB",
      countryName: "Britain",
      city: "London",
      source: "GeoLite2-City",
    });
  });

  it("adds a later database's city only when it agrees on the country", () => {
    const country = new FakeGeoReader("GeoLite2-Country", { [IP]: { countryCode: "GB", countryName: "United Kingdom" } });
    const agrees = new FakeGeoReader("GeoLite2-City", { [IP]: { countryCode: "GB", city: "London" } });
    const disagrees = new FakeGeoReader("Old-City", { [IP]: { countryCode: "IE", city: "Dublin" } });
    expect(lookupReaders([country, disagrees, agrees], IP)).toEqual({
      countryCode: "GB",
      countryName: "United Kingdom",
      city: "London",
      source: "GeoLite2-Country + GeoLite2-City",
    });
  });

  it("takes ASN and organisation from an ASN database and names every contributor", () => {
    const asn = new FakeGeoReader("GeoLite2-ASN", { [IP]: { asn: 20712, org: "Andrews & Arnold Ltd" } });
    const cc0 = new FakeGeoReader("geo-whois-asn-country", { [IP]: { countryCode: "GB", countryName: "United Kingdom" } });
    expect(lookupReaders([asn, cc0], IP)).toEqual({
      countryCode: "GB",
      countryName: "United Kingdom",
      asn: 20712,
      org: "Andrews & Arnold Ltd",
      source: "GeoLite2-ASN + geo-whois-asn-country",
    });
  });

  it("answers with what there is, and nothing when no database knows the address", () => {
    const asn = new FakeGeoReader("GeoLite2-ASN", { [IP]: { asn: 20712 } });
    expect(lookupReaders([asn], IP)).toEqual({ asn: 20712, source: "GeoLite2-ASN" });
    expect(lookupReaders([asn, new FakeGeoReader("empty")], "5.6.7.8")).toBeUndefined();
    expect(lookupReaders([], IP)).toBeUndefined();
  });
});
