import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGeoCacheStore } from "../../src/store/geo-cache.js";
import type { GeoCacheEntry, GeoCacheStore } from "../../src/core/ports/geo-cache.js";
import { migratedStore } from "../harness/store.js";

const T0 = 1_700_000_000_000;
const DAY = 86_400_000;
const LONDON = { countryCode: "GB", countryName: "United Kingdom", city: "London", asn: 20712, org: "Andrews & Arnold Ltd", source: "GeoLite2-City + GeoLite2-ASN" };

const answer = (ip: string, lastSeen = T0): GeoCacheEntry => ({ ip, info: LONDON, resolvedAt: lastSeen, lastSeen, attempts: 0 });
const negative = (ip: string, lastSeen = T0): GeoCacheEntry => ({ ip, lastSeen, attempts: 0, retryAt: lastSeen });

describe("createGeoCacheStore", () => {
  let db: Database;
  let store: GeoCacheStore;

  beforeEach(() => {
    db = migratedStore();
    store = createGeoCacheStore(db);
  });
  afterEach(() => db.close());

  it("stores answers and negative results, and reads many at once", () => {
    store.saveMany([answer("81.2.69.170"), negative("5.6.7.8")]);
    const found = store.getMany(["81.2.69.170", "5.6.7.8", "9.9.9.9"]);
    expect([...found.keys()].sort()).toEqual(["5.6.7.8", "81.2.69.170"]);
    expect(found.get("81.2.69.170")).toEqual(answer("81.2.69.170"));
    expect(found.get("5.6.7.8")).toEqual(negative("5.6.7.8"));
    expect(store.getMany([])).toEqual(new Map());
    expect(store.counts()).toEqual({ resolved: 1, unresolved: 1 });
  });

  it("reads a batch larger than SQLite's parameter limit in one query", () => {
    const ips = Array.from({ length: 33_000 }, (_, i) => `11.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
    store.saveMany(ips.map((ip) => negative(ip)));
    expect(store.getMany(ips).size).toBe(33_000);
  });

  it("never lets a negative result undo an answer, only refresh when it was seen", () => {
    store.saveMany([answer("81.2.69.170")]);
    store.saveMany([negative("81.2.69.170", T0 + DAY)]);
    expect(store.getMany(["81.2.69.170"]).get("81.2.69.170")).toEqual({ ...answer("81.2.69.170"), lastSeen: T0 + DAY });
  });

  it("replaces a negative result with an answer, clearing its retry schedule", () => {
    store.saveMany([negative("5.6.7.8")]);
    store.postpone("5.6.7.8", 3, T0 + DAY);
    store.saveMany([{ ip: "5.6.7.8", info: { countryCode: "DE", source: "ipinfo.io (online)" }, resolvedAt: T0 + 5, lastSeen: T0 + 5, attempts: 0 }]);
    expect(store.getMany(["5.6.7.8"]).get("5.6.7.8")).toEqual({
      ip: "5.6.7.8",
      info: { countryCode: "DE", source: "ipinfo.io (online)" },
      resolvedAt: T0 + 5,
      lastSeen: T0 + 5,
      attempts: 0,
    });
    expect(store.dueForRetry(T0 + 10 * DAY, 10)).toEqual([]);
  });

  it("keeps the later last_seen whichever write comes last", () => {
    store.saveMany([answer("81.2.69.170", T0 + DAY)]);
    store.saveMany([answer("81.2.69.170", T0)]);
    expect(store.getMany(["81.2.69.170"]).get("81.2.69.170")?.lastSeen).toBe(T0 + DAY);
  });

  it("hands out negative results that are due, longest waiting first, within the limit", () => {
    store.saveMany([negative("5.6.7.3", T0 + 3), negative("5.6.7.1", T0 + 1), negative("5.6.7.2", T0 + 2), answer("81.2.69.170")]);
    store.postpone("5.6.7.2", 1, T0 + DAY);
    expect(store.dueForRetry(T0 + 10, 10).map((e) => e.ip)).toEqual(["5.6.7.1", "5.6.7.3"]);
    expect(store.dueForRetry(T0 + 10, 1).map((e) => e.ip)).toEqual(["5.6.7.1"]);
    expect(store.dueForRetry(T0 + DAY, 10).map((e) => [e.ip, e.attempts])).toEqual([
      ["5.6.7.1", 0],
      ["5.6.7.3", 0],
      ["5.6.7.2", 1],
    ]);
    expect(() => store.dueForRetry(T0, 0)).toThrow(RangeError);
  });

  it("purges rows not seen since the cutoff, answers and negative results alike", () => {
    store.saveMany([answer("81.2.69.170", T0), negative("5.6.7.8", T0), answer("81.2.69.171", T0 + 2 * DAY)]);
    expect(store.purgeUnseenSince(T0 + DAY)).toBe(2);
    expect([...store.getMany(["81.2.69.170", "5.6.7.8", "81.2.69.171"]).keys()]).toEqual(["81.2.69.171"]);
  });
});

describe("the geo cache on disk", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "banbot-geo-store-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("survives closing and reopening the store", () => {
    const file = join(dir, "banbot.sqlite3");
    const first = migratedStore(file);
    createGeoCacheStore(first).saveMany([answer("81.2.69.170"), negative("5.6.7.8")]);
    first.close();

    const again = migratedStore(file);
    const found = createGeoCacheStore(again).getMany(["81.2.69.170", "5.6.7.8"]);
    again.close();
    expect(found.get("81.2.69.170")).toEqual(answer("81.2.69.170"));
    expect(found.get("5.6.7.8")).toEqual(negative("5.6.7.8"));
  });
});
