import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { openGeoDatabases } from "../../../src/core/geo/databases.js";
import { embeddedCountryDatabase } from "../../../src/core/geo/embedded.js";
import { createGeoFallback } from "../../../src/core/geo/fallback.js";
import { GeoService } from "../../../src/core/geo/service.js";
import { createGeoCacheStore } from "../../../src/store/geo-cache.js";
import { silentLog } from "../../harness/client.js";
import { migratedStore } from "../../harness/store.js";

describe("geo with no configuration", () => {
  it("names the country of a public address from the built-in database, and labels a private one", async () => {
    const { geo: settings } = loadConfig({});
    const db = migratedStore();
    // Wired as the composition root does.
    const files = openGeoDatabases({ files: settings.databases, checkIntervalMs: settings.checkIntervalMs, embedded: embeddedCountryDatabase(), log: silentLog });
    const geo = new GeoService({
      databases: files,
      store: createGeoCacheStore(db),
      fallback: createGeoFallback(settings.fallback, silentLog),
      now: () => Date.now(),
      log: silentLog,
      memoryEntries: settings.cache.memoryEntries,
      retentionMs: settings.cache.retentionMs,
    });
    try {
      expect(geo.describe("8.8.8.8")).toEqual({
        label: "🇺🇸 United States",
        info: { countryCode: "US", countryName: "United States", source: expect.stringMatching(/^geo-whois-asn-country \d{4}-\d{2}-\d{2} \(built-in\)$/) as unknown },
      });
      expect(geo.describe("192.168.1.10")).toEqual({ label: "private network" });
      await geo.close();
      expect(createGeoCacheStore(db).counts()).toEqual({ resolved: 1, unresolved: 0 });
    } finally {
      files.close();
      db.close();
    }
  });
});
