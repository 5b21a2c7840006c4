import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GeoFallback } from "../../../src/core/geo/fallback.js";
import { MmdbReader } from "../../../src/core/geo/mmdb-reader.js";
import { GeoService } from "../../../src/core/geo/service.js";
import { createGeoCacheStore } from "../../../src/store/geo-cache.js";
import type { GeoCacheStore } from "../../../src/core/ports/geo-cache.js";
import { FakeGeoFallback } from "../../fakes/geo-fallback.js";
import { FakeGeoDatabases, FakeGeoReader } from "../../fakes/geo-reader.js";
import { capturedLog, silentLog } from "../../harness/client.js";
import { invalidNodeCountCityDatabase } from "./test-databases.js";
import { migratedStore } from "../../harness/store.js";

const T0 = 1_700_000_000_000;
const MINUTE = 60_000;
const DAY = 86_400_000;
const GB = { countryCode: "GB", countryName: "United Kingdom", city: "London" };
const SOURCE = "GeoLite2-City 2025-11-18";

interface Rig {
  geo: GeoService;
  reader: FakeGeoReader;
  databases: FakeGeoDatabases;
  store: GeoCacheStore;
  clock: { now: number };
}

describe(GeoService.name, () => {
  let db: Database;
  let dir: string;
  const rig = (opts: { fallback?: GeoFallback; store?: GeoCacheStore; reader?: FakeGeoReader; database?: Database } = {}): Rig => {
    const reader = opts.reader ?? new FakeGeoReader(SOURCE, { "81.2.69.170": GB, "2a00:1450::1": { countryCode: "IE", countryName: "Ireland" } });
    const databases = new FakeGeoDatabases(reader);
    const store = opts.store ?? createGeoCacheStore(opts.database ?? db);
    const clock = { now: T0 };
    const geo = new GeoService({
      databases,
      store,
      fallback: opts.fallback,
      now: () => clock.now,
      log: silentLog,
      memoryEntries: 1_000,
      retentionMs: 90 * DAY,
    });
    return { geo, reader, databases, store, clock };
  };

  beforeEach(() => {
    db = migratedStore();
    dir = mkdtempSync(join(tmpdir(), "banbot-geo-service-"));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe("lookups", () => {
    it("answers from the database files and says which one answered", () => {
      const { geo } = rig();
      expect(geo.lookup("81.2.69.170")).toEqual({ kind: "found", ip: "81.2.69.170", info: { ...GB, source: SOURCE } });
      expect(geo.describe("81.2.69.170")).toEqual({ label: "🇬🇧 United Kingdom", info: { ...GB, source: SOURCE } });
    });

    it("labels special addresses and never looks them up, stores them or sends them anywhere", async () => {
      const fallback = new FakeGeoFallback();
      const { geo, reader, store } = rig({ fallback });
      const special = ["10.0.0.1", "192.168.1.1", "127.0.0.1", "100.64.1.1", "192.0.2.1", "198.51.100.1", "203.0.113.9", "169.254.169.254", "224.0.0.1", "0.0.0.0", "::1", "::", "fe80::1", "fd00::1", "2001:db8::1", "ff02::1", "::ffff:10.0.0.1"];
      const results = geo.lookupMany(special);
      expect([...results.values()].every((r) => r.kind === "special")).toBe(true);
      expect(geo.describe("203.0.113.9")).toEqual({ label: "documentation range" });
      expect(geo.describe("::ffff:192.168.0.1")).toEqual({ label: "private network" });
      await geo.retryUnresolved(T0, 100);
      expect(reader.asked).toEqual([]);
      expect(fallback.asked).toEqual([]);
      expect(store.counts()).toEqual({ resolved: 0, unresolved: 0 });
    });

    it("says when the text is no address, without looking anything up", () => {
      const { geo, reader } = rig();
      expect(geo.lookup("not-an-ip")).toEqual({ kind: "invalid", ip: "not-an-ip" });
      expect(geo.describe("1.2.3")).toEqual({ label: "not an IP address" });
      expect(reader.asked).toEqual([]);
    });

    it("normalises spellings: an IPv4-mapped address is its IPv4 address, IPv6 is compressed lower-case", () => {
      const { geo, reader } = rig();
      expect(geo.lookup("::ffff:81.2.69.170")).toMatchObject({ kind: "found", ip: "81.2.69.170" });
      expect(geo.lookup("2A00:1450:0:0::1")).toMatchObject({ kind: "found", ip: "2a00:1450::1", info: { countryCode: "IE" } });
      expect(geo.lookup("81.2.69.170")).toMatchObject({ kind: "found", ip: "81.2.69.170" });
      expect(reader.asked).toEqual(["81.2.69.170", "2a00:1450::1"]);
    });

    it("answers repeated lookups from memory", () => {
      const { geo, reader } = rig();
      for (let i = 0; i < 3; i++) geo.lookup("81.2.69.170");
      geo.lookupMany(["81.2.69.170", "81.2.69.170"]);
      expect(reader.asked).toEqual(["81.2.69.170"]);
    });

    it("answers a batch keyed by the addresses as given", () => {
      const { geo } = rig();
      const results = geo.lookupMany(["81.2.69.170", "::ffff:81.2.69.170", "5.6.7.8", "10.0.0.1", "nope"]);
      expect([...results].map(([input, r]) => [input, r.kind, r.ip])).toEqual([
        ["81.2.69.170", "found", "81.2.69.170"],
        ["::ffff:81.2.69.170", "found", "81.2.69.170"],
        ["5.6.7.8", "unknown", "5.6.7.8"],
        ["10.0.0.1", "special", "10.0.0.1"],
        ["nope", "invalid", "nope"],
      ]);
    });

    it("peeks for bulk archiving: the same answers as a lookup, with nothing remembered or queued for SQLite", async () => {
      const { geo, reader, store } = rig();
      store.saveMany([{ ip: "5.6.7.9", info: { countryCode: "FR", source: "ipinfo.io" }, resolvedAt: T0, lastSeen: T0, attempts: 0 }]);
      const asked = ["81.2.69.170", "::ffff:81.2.69.170", "5.6.7.8", "5.6.7.9", "10.0.0.1", "nope"];
      const peeked = geo.peekMany(asked);
      expect([...peeked].map(([input, r]) => [input, r.kind, r.ip])).toEqual([
        ["81.2.69.170", "found", "81.2.69.170"],
        ["::ffff:81.2.69.170", "found", "81.2.69.170"],
        ["5.6.7.8", "unknown", "5.6.7.8"],
        ["5.6.7.9", "found", "5.6.7.9"],
        ["10.0.0.1", "special", "10.0.0.1"],
        ["nope", "invalid", "nope"],
      ]);
      expect(await geo.flush()).toBe(0);
      expect(store.counts()).toEqual({ resolved: 1, unresolved: 0 });
      // Not remembered: the next lookup asks the file again, and then it is cached as usual.
      reader.asked.length = 0;
      expect(geo.lookupMany(asked)).toEqual(peeked);
      expect(reader.asked).toEqual(["81.2.69.170", "5.6.7.8", "5.6.7.9"]);
    });

    it("shows the new answer once a database file was reloaded", () => {
      const { geo, reader, databases } = rig();
      expect(geo.describe("81.2.69.170").label).toBe("🇬🇧 United Kingdom");
      reader.set("81.2.69.170", { countryCode: "IE", countryName: "Ireland" });
      expect(geo.describe("81.2.69.170").label).toBe("🇬🇧 United Kingdom");
      databases.generation++;
      expect(geo.describe("81.2.69.170").label).toBe("🇮🇪 Ireland");
    });

    it("answers unknown, and logs an error, for an address a corrupt database throws on; other databases still answer", () => {
      const { log, entries } = capturedLog("debug");
      const broken = new MmdbReader(invalidNodeCountCityDatabase());
      const asn = new FakeGeoReader("GeoLite2-ASN", { "81.2.69.170": { asn: 20712, org: "Andrews & Arnold Ltd" } });
      const geo = new GeoService({ databases: new FakeGeoDatabases(broken, asn), store: createGeoCacheStore(db), now: () => T0, log, memoryEntries: 100, retentionMs: DAY });
      expect(geo.lookup("89.160.20.120")).toEqual({ kind: "unknown", ip: "89.160.20.120" });
      expect(geo.lookupMany(["2001:218::1", "10.0.0.1"])).toEqual(new Map([["2001:218::1", { kind: "unknown", ip: "2001:218::1" }], ["10.0.0.1", expect.objectContaining({ kind: "special" })]]));
      expect(geo.lookup("81.2.69.170")).toMatchObject({ kind: "found", info: { asn: 20712, source: "GeoLite2-ASN" } });
      const failures = entries.filter((e) => /^geo lookup failed/.test(String(e.msg)));
      expect(failures.map((e) => [e.level, e.ip])).toEqual([[50, "89.160.20.120"], [20, "2001:218::1"], [20, "81.2.69.170"]]);
    });
  });

  describe("the cache in SQLite", () => {
    it("keeps negative results: unknown now, due for the retry job, not asked again meanwhile", async () => {
      const { geo, reader, store } = rig();
      expect(geo.lookup("5.6.7.8")).toEqual({ kind: "unknown", ip: "5.6.7.8" });
      expect(geo.describe("5.6.7.8")).toEqual({ label: "unknown" });
      expect(await geo.flush()).toBe(1);
      expect(store.dueForRetry(T0, 10)).toEqual([{ ip: "5.6.7.8", lastSeen: T0, attempts: 0, retryAt: T0 }]);
      expect(reader.asked).toEqual(["5.6.7.8"]);
    });

    it("writes answers only on flush, in batches, and flushes what is left on close", async () => {
      const { geo, store } = rig({ reader: new FakeGeoReader(SOURCE, Object.fromEntries(Array.from({ length: 4_500 }, (_, i) => [`81.2.${i >> 8}.${i & 255}`, GB]))) });
      geo.lookupMany(Array.from({ length: 4_500 }, (_, i) => `81.2.${i >> 8}.${i & 255}`));
      expect(store.counts()).toEqual({ resolved: 0, unresolved: 0 });
      expect(await geo.flush()).toBe(4_500);
      expect(await geo.flush()).toBe(0);
      geo.lookup("5.6.7.8");
      await geo.close();
      expect(store.counts()).toEqual({ resolved: 4_500, unresolved: 1 });
    });

    it("writes what arrives while it writes, in the same flush", async () => {
      const { geo, store } = rig({ reader: new FakeGeoReader(SOURCE, Object.fromEntries(Array.from({ length: 4_500 }, (_, i) => [`81.2.${i >> 8}.${i & 255}`, GB]))) });
      geo.lookupMany(Array.from({ length: 4_500 }, (_, i) => `81.2.${i >> 8}.${i & 255}`));
      const flushing = geo.flush();
      // The flush yields between batches: a lookup comes in meanwhile.
      geo.lookup("5.6.7.8");
      expect(await flushing).toBe(4_501);
      expect(store.counts()).toEqual({ resolved: 4_500, unresolved: 1 });
    });

    it("keeps what a failed flush could not write for the next one", async () => {
      const real = createGeoCacheStore(db);
      let broken = true;
      const store: GeoCacheStore = {
        ...real,
        saveMany: (entries) => {
          if (broken) throw new Error("disk I/O error");
          real.saveMany(entries);
        },
      };
      const { geo } = rig({ store });
      geo.lookupMany(["81.2.69.170", "5.6.7.8"]);
      await expect(geo.flush()).rejects.toThrow("disk I/O error");
      broken = false;
      expect(await geo.flush()).toBe(2);
      expect(real.counts()).toEqual({ resolved: 1, unresolved: 1 });
    });

    it("still knows its answers after a restart, even ones the files no longer give", async () => {
      const file = join(dir, "banbot.sqlite3");
      const first = migratedStore(file);
      const before = rig({ database: first });
      before.geo.lookupMany(["81.2.69.170", "5.6.7.8"]);
      await before.geo.close();
      first.close();

      const second = migratedStore(file);
      const after = rig({ database: second, reader: new FakeGeoReader("empty") });
      expect(after.geo.lookup("81.2.69.170")).toEqual({ kind: "found", ip: "81.2.69.170", info: { ...GB, source: SOURCE } });
      expect(after.geo.lookup("5.6.7.8")).toEqual({ kind: "unknown", ip: "5.6.7.8" });
      expect(after.store.dueForRetry(T0, 10).map((e) => e.ip)).toEqual(["5.6.7.8"]);
      second.close();
    });

    it("refreshes last_seen at most daily, and purges what was not seen for the retention time", async () => {
      const { geo, store, clock } = rig();
      geo.lookupMany(["81.2.69.170", "2a00:1450::1", "5.6.7.8"]);
      expect(await geo.flush()).toBe(3);
      clock.now = T0 + 60 * MINUTE;
      geo.lookupMany(["81.2.69.170", "5.6.7.8"]);
      expect(await geo.flush()).toBe(0);
      clock.now = T0 + 60 * DAY;
      geo.lookupMany(["81.2.69.170", "5.6.7.8"]);
      expect(await geo.flush()).toBe(2);

      expect(geo.purge(T0 + 91 * DAY)).toBe(1);
      expect([...store.getMany(["81.2.69.170", "2a00:1450::1", "5.6.7.8"]).keys()].sort()).toEqual(["5.6.7.8", "81.2.69.170"]);
      expect(geo.purge(T0 + 151 * DAY)).toBe(2);
      expect(store.counts()).toEqual({ resolved: 0, unresolved: 0 });
      // Seen again after the purge: stored again.
      clock.now = T0 + 152 * DAY;
      expect(geo.lookup("2a00:1450::1")).toMatchObject({ kind: "found" });
      await geo.flush();
      expect(store.counts()).toEqual({ resolved: 1, unresolved: 0 });
    });
  });

  describe("retryUnresolved", () => {
    it("with the fallback off, asks the database files again and backs off between failures", async () => {
      const { geo, reader, store } = rig();
      geo.lookupMany(["5.6.7.8", "9.9.9.9"]);
      reader.set("5.6.7.8", { countryCode: "DE", countryName: "Germany" });
      expect(await geo.retryUnresolved(T0, 10)).toEqual({ checked: 2, resolved: 1, unresolved: 1 });
      expect(geo.describe("5.6.7.8").label).toBe("🇩🇪 Germany");

      expect(await geo.retryUnresolved(T0 + 14 * MINUTE, 10)).toEqual({ checked: 0, resolved: 0, unresolved: 0 });
      expect(await geo.retryUnresolved(T0 + 15 * MINUTE, 10)).toEqual({ checked: 1, resolved: 0, unresolved: 1 });
      expect(store.getMany(["9.9.9.9"]).get("9.9.9.9")).toMatchObject({ attempts: 2, retryAt: T0 + 75 * MINUTE });
    });

    it("with the fallback on, asks it in the background only: a lookup never waits for it", async () => {
      const fallback = new FakeGeoFallback({ "5.6.7.8": { countryCode: "DE", asn: 3320, org: "Deutsche Telekom AG" } });
      const { geo } = rig({ fallback });
      expect(geo.lookup("5.6.7.8")).toEqual({ kind: "unknown", ip: "5.6.7.8" });
      geo.lookup("81.2.69.170");
      expect(fallback.asked).toEqual([]);

      expect(await geo.retryUnresolved(T0, 10)).toEqual({ checked: 1, resolved: 1, unresolved: 0 });
      expect(fallback.asked).toEqual(["5.6.7.8"]);
      expect(geo.lookup("5.6.7.8")).toEqual({
        kind: "found",
        ip: "5.6.7.8",
        info: { countryCode: "DE", asn: 3320, org: "Deutsche Telekom AG", source: "geo.example (online)" },
      });
    });

    it("stops at the first failure of the fallback, leaving the rest due", async () => {
      const fallback = new FakeGeoFallback();
      const { geo, store } = rig({ fallback });
      geo.lookupMany(["5.6.7.8", "9.9.9.9"]);
      fallback.failNext("HTTP 429");
      expect(await geo.retryUnresolved(T0, 10)).toEqual({ checked: 0, resolved: 0, unresolved: 0, stopped: "HTTP 429" });
      expect(store.dueForRetry(T0, 10).map((e) => e.ip)).toEqual(["5.6.7.8", "9.9.9.9"]);
    });

    it("keeps an answer it found even when a refresh of the negative result was waiting", async () => {
      const fallback = new FakeGeoFallback({ "5.6.7.8": { countryCode: "DE" } });
      const { geo, store, clock } = rig({ fallback });
      geo.lookup("5.6.7.8");
      await geo.flush();
      clock.now = T0 + 2 * DAY;
      geo.lookupMany(["5.6.7.8"]);
      expect(await geo.retryUnresolved(T0 + 2 * DAY, 10)).toMatchObject({ resolved: 1 });
      await geo.flush();
      expect(store.getMany(["5.6.7.8"]).get("5.6.7.8")).toMatchObject({ info: { countryCode: "DE" }, lastSeen: T0 + 2 * DAY });
      expect(geo.describe("5.6.7.8").label).toBe("🇩🇪 DE");
    });
  });
});
