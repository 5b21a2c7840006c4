import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { isUserError } from "../../../src/core/errors.js";

function problems(fileText: string): string[] {
  try {
    loadConfig({}, fileText);
  } catch (err) {
    if (!isUserError(err, "config_invalid")) throw err;
    return err.message.split("\n").slice(1);
  }
  throw new Error("expected loadConfig to fail");
}

describe("the geo section of the config file", () => {
  it("works with zero configuration: built-in database, 90-day cache, fallback off", () => {
    expect(loadConfig({}).geo).toEqual({
      databases: [],
      builtinAsn: false,
      checkIntervalMs: 60_000,
      cache: { retentionMs: 90 * 86_400_000, memoryEntries: 100_000 },
      fallback: { enabled: false, urlTemplate: "https://ipinfo.io/{ip}/json", timeoutMs: 5_000 },
    });
  });

  it("takes database files, durations and an https fallback", () => {
    const config = loadConfig(
      {},
      `geo:
  databases: [/var/lib/GeoIP/GeoLite2-City.mmdb, /var/lib/GeoIP/GeoLite2-ASN.mmdb]
  check_interval: 5m
  cache: { retention: 30d, memory_entries: 20000 }
  fallback: { enabled: true, url_template: "https://ipapi.co/{ip}/json/", timeout: 2s }
`,
    );
    expect(config.geo).toEqual({
      databases: ["/var/lib/GeoIP/GeoLite2-City.mmdb", "/var/lib/GeoIP/GeoLite2-ASN.mmdb"],
      builtinAsn: false,
      checkIntervalMs: 300_000,
      cache: { retentionMs: 30 * 86_400_000, memoryEntries: 20_000 },
      fallback: { enabled: true, urlTemplate: "https://ipapi.co/{ip}/json/", timeoutMs: 2_000 },
    });
  });

  it("refuses a plain-http fallback, even a disabled one", () => {
    expect(problems("geo:\n  fallback:\n    url_template: http://ip-api.com/json/{ip}\n")).toEqual([
      "geo.fallback.url_template: must be an https URL: addresses are personal data and never leave in plain text",
    ]);
  });

  it("says what is wrong with a fallback URL or a setting", () => {
    expect(problems("geo:\n  fallback:\n    url_template: https://ipinfo.io/json\n")).toEqual([
      "geo.fallback.url_template: put {ip} where the address goes, e.g. https://ipinfo.io/{ip}/json",
    ]);
    expect(problems("geo:\n  fallback:\n    url_template: ipinfo.io/{ip}\n")).toEqual([
      "geo.fallback.url_template: expected a URL like https://ipinfo.io/{ip}/json",
    ]);
    expect(problems("geo:\n  databases: /var/lib/GeoIP/GeoLite2-City.mmdb\n")).toEqual([
      'geo.databases: expected a list, got text "/var/lib/GeoIP/GeoLite2-City.mmdb"',
    ]);
    expect(problems("geo:\n  cache:\n    retention: 1h\n")).toEqual([
      "geo.cache.retention: must be between 1d and 3650d (a bare number means milliseconds)",
    ]);
    expect(problems("geo:\n  database: [/x.mmdb]\n")).toEqual(["geo.database: unknown key — did you mean databases?"]);
  });
});
