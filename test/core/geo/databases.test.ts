import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isUserError } from "../../../src/core/errors.js";
import { openGeoDatabases, probeReader, type GeoDatabaseFiles } from "../../../src/core/geo/databases.js";
import { MmdbReader } from "../../../src/core/geo/mmdb-reader.js";
import { lookupReaders } from "../../../src/core/geo/merge.js";
import { asnDatabase, cityDatabase, countryDatabase, invalidNodeCountCityDatabase, ipLocationDbCountry, scratchDir } from "./test-databases.js";
import { capturedLog, silentLog } from "../../harness/client.js";

const EMBEDDED = { label: "cc0-test", note: "built-in" };

describe("openGeoDatabases", () => {
  let files: ReturnType<typeof scratchDir>;
  let embedded: { path: string; label: string; note: string };
  let open: GeoDatabaseFiles[];
  const start = (paths: string[], checkIntervalMs = 0, log = silentLog) => {
    const dbs = openGeoDatabases({ files: paths, checkIntervalMs, embedded: { path: embedded.path, ...EMBEDDED }, log });
    open.push(dbs);
    return dbs;
  };
  const country = (dbs: GeoDatabaseFiles, ip: string) => lookupReaders(dbs.readers, ip)?.countryCode;

  beforeEach(() => {
    files = scratchDir();
    open = [];
    embedded = { path: files.write("cc0.mmdb", ipLocationDbCountry({ "81.2.69.0/24": "GB", "1.128.0.0/11": "AU" })), ...EMBEDDED };
  });
  afterEach(() => {
    for (const dbs of open) dbs.close();
    files.remove();
  });

  it("uses the built-in country database when nothing is configured", () => {
    const dbs = start([]);
    expect(dbs.readers.map((r) => r.name)).toEqual(["cc0-test 2025-11-13 (built-in)"]);
    expect(lookupReaders(dbs.readers, "81.2.69.170")).toEqual({ countryCode: "GB", countryName: "United Kingdom", source: "cc0-test 2025-11-13 (built-in)" });
  });

  it("uses the configured files in order, without the built-in one once a file has countries", () => {
    const dbs = start([files.write("City.mmdb", cityDatabase()), files.write("ASN.mmdb", asnDatabase())]);
    expect(dbs.readers.map((r) => r.name)).toEqual(["GeoLite2-City 2025-11-13", "GeoLite2-ASN 2025-11-13"]);
    expect(lookupReaders(dbs.readers, "81.2.69.170")).toEqual({
      countryCode: "GB",
      countryName: "United Kingdom",
      city: "London",
      asn: 20712,
      org: "Andrews & Arnold Ltd",
      source: "GeoLite2-City 2025-11-13 + GeoLite2-ASN 2025-11-13",
    });
  });

  it("keeps the built-in country database beside an ASN-only configuration", () => {
    const dbs = start([files.write("ASN.mmdb", asnDatabase())]);
    expect(lookupReaders(dbs.readers, "1.128.0.1")).toEqual({
      countryCode: "AU",
      countryName: "Australia",
      asn: 1221,
      org: "Telstra Pty Ltd",
      source: "GeoLite2-ASN 2025-11-13 + cc0-test 2025-11-13 (built-in)",
    });
  });

  it("stops startup with a fix when a configured file is missing or no database", () => {
    const notMmdb = files.write("notes.txt", Buffer.from("hello"));
    for (const path of [join(files.dir, "GeoLite2-City.mmdb"), notMmdb]) {
      let error: unknown;
      try {
        start([path]);
      } catch (err) {
        error = err;
      }
      expect(isUserError(error, "config_invalid")).toBe(true);
      expect((error as Error).message).toContain(`geo.databases: cannot open ${path}`);
    }
  });

  it("picks up a database replaced by rename (as geoipupdate does) without a restart", async () => {
    const path = files.write("GeoLite2-Country.mmdb", countryDatabase());
    const { log, entries } = capturedLog("info");
    const dbs = start([path], 10, log);
    expect(country(dbs, "5.6.7.8")).toBeUndefined();

    files.replace("GeoLite2-Country.mmdb", countryDatabase({ "5.6.0.0/16": { country: { iso_code: "DE", names: { en: "Germany" } } } }, 1_764_000_000));
    await vi.waitFor(() => expect(country(dbs, "5.6.7.8")).toBe("DE"), { timeout: 5_000, interval: 10 });
    expect(dbs.generation).toBe(1);
    expect(dbs.readers[0]?.name).toBe("GeoLite2-Country 2025-11-24");
    expect(entries).toContainEqual(expect.objectContaining({ msg: "geo database reloaded", file: path }));
  });

  it("keeps the loaded copy when the replacement is broken or the file disappears, and recovers", async () => {
    const path = files.write("GeoLite2-Country.mmdb", countryDatabase());
    const { log, entries } = capturedLog("info");
    const dbs = start([path], 10, log);

    files.replace("GeoLite2-Country.mmdb", Buffer.from("half a download"));
    await vi.waitFor(() => expect(entries.map((e) => e.msg)).toContain("geo database changed but cannot be read; keeping the loaded copy"), { timeout: 5_000, interval: 10 });
    expect(country(dbs, "81.2.69.170")).toBe("GB");

    rmSync(path);
    await vi.waitFor(() => expect(entries.map((e) => e.msg)).toContain("geo database file is gone; keeping the loaded copy"), { timeout: 5_000, interval: 10 });
    expect(country(dbs, "81.2.69.170")).toBe("GB");
    expect(dbs.generation).toBe(0);

    writeFileSync(path, countryDatabase({ "5.6.0.0/16": { country: { iso_code: "DE" } } }));
    await vi.waitFor(() => expect(country(dbs, "5.6.7.8")).toBe("DE"), { timeout: 5_000, interval: 10 });
    expect(entries.filter((e) => e.msg === "geo database file is gone; keeping the loaded copy")).toHaveLength(1);
  });

  it("uses a file whose lookups fail at startup with the built-in countries behind it, and says so", () => {
    const path = files.write("GeoIP2-City.mmdb", invalidNodeCountCityDatabase());
    const { log, entries } = capturedLog("info");
    const dbs = start([path], 0, log);
    expect(dbs.readers.map((r) => r.name)).toEqual(["GeoLite2-City 2025-11-13", "cc0-test 2025-11-13 (built-in)"]);
    const failed: string[] = [];
    expect(lookupReaders(dbs.readers, "81.2.69.170", (reader, ip) => failed.push(`${reader.name} ${ip}`))?.countryCode).toBe("GB");
    expect(failed).toEqual(["GeoLite2-City 2025-11-13 81.2.69.170"]);
    expect(entries).toContainEqual(expect.objectContaining({ level: 50, file: path, msg: expect.stringMatching(/^geo database opens but its lookups fail/) }));
  });

  it("probes a replacement and keeps the loaded copy when its lookups fail", async () => {
    const path = files.write("GeoLite2-City.mmdb", cityDatabase());
    const { log, entries } = capturedLog("info");
    const dbs = start([path], 10, log);
    files.replace("GeoLite2-City.mmdb", invalidNodeCountCityDatabase());
    await vi.waitFor(() => expect(entries.map((e) => e.msg)).toContain("geo database changed but its lookups fail; keeping the loaded copy"), { timeout: 5_000, interval: 10 });
    expect(dbs.generation).toBe(0);
    expect(lookupReaders(dbs.readers, "81.2.69.170")?.city).toBe("London");
  });

  it("keeps countries when a City file is replaced by an ASN file: the built-in database goes behind it", async () => {
    const path = files.write("GeoLite2.mmdb", cityDatabase());
    const dbs = start([path], 10);
    expect(dbs.readers.map((r) => r.name)).toEqual(["GeoLite2-City 2025-11-13"]);
    files.replace("GeoLite2.mmdb", asnDatabase());
    await vi.waitFor(() => expect(dbs.generation).toBe(1), { timeout: 5_000, interval: 10 });
    expect(lookupReaders(dbs.readers, "1.128.0.1")).toMatchObject({ countryCode: "AU", asn: 1221, source: "GeoLite2-ASN 2025-11-13 + cc0-test 2025-11-13 (built-in)" });
    files.replace("GeoLite2.mmdb", cityDatabase(1_764_000_000));
    await vi.waitFor(() => expect(dbs.generation).toBe(2), { timeout: 5_000, interval: 10 });
    expect(dbs.readers.map((r) => r.name)).toEqual(["GeoLite2-City 2025-11-24"]);
  });

  it("probeReader names the address whose test lookup throws", () => {
    expect(() => probeReader(new MmdbReader(invalidNodeCountCityDatabase()))).toThrow(/^a test lookup of 81\.2\.69\.160 fails: Unknown type/);
    expect(() => probeReader(new MmdbReader(cityDatabase()))).not.toThrow();
  });

  it("stops checking once closed", async () => {
    const path = files.write("GeoLite2-Country.mmdb", countryDatabase());
    const closed = start([path], 10);
    closed.close();
    const witness = start([path], 10);
    files.replace("GeoLite2-Country.mmdb", countryDatabase({ "5.6.0.0/16": { country: { iso_code: "DE" } } }));
    // A watcher still open with the same period sees the change; by then the closed one would have too.
    await vi.waitFor(() => expect(country(witness, "5.6.7.8")).toBe("DE"), { timeout: 5_000, interval: 10 });
    expect(country(closed, "5.6.7.8")).toBeUndefined();
    expect(closed.generation).toBe(0);
  });
});
