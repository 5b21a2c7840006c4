import maxmind, { type CountryResponse } from "maxmind";
import pino from "pino";
import { openGeoDatabases } from "../src/core/geo/databases.js";
import { embeddedCountryDatabase } from "../src/core/geo/embedded.js";
import { GeoService } from "../src/core/geo/service.js";
import { classifyAddress } from "../src/core/ip-ranges.js";
import { createGeoCacheStore } from "../src/store/geo-cache.js";
import { migratedStore } from "../test/harness/store.js";
import { median, ms, printTable } from "./report.js";

const ADDRESSES = 100_000;
const RUNS = 5;
const DAY = 86_400_000;

// Lookups per second on the built-in country database: the raw `maxmind` reader, BanBot's geo
// service on first sight of each address (cold) and again (cached), and the time to enrich 100,000
// distinct addresses in one batch and write them to the SQLite cache.
export async function benchGeo(): Promise<void> {
  const ips = addresses(ADDRESSES);
  const embedded = embeddedCountryDatabase();
  const log = pino({ level: "silent" });
  const raw = await maxmind.open<CountryResponse>(embedded.path);
  const databases = openGeoDatabases({ files: [], checkIntervalMs: 0, embedded, log });
  const db = migratedStore();
  const service = () =>
    new GeoService({ databases, store: createGeoCacheStore(db), now: () => Date.now(), log, memoryEntries: ADDRESSES, retentionMs: 90 * DAY });
  try {
    let sink = 0;
    const rate = (fn: () => void) => {
      const start = performance.now();
      fn();
      return ips.length / ((performance.now() - start) / 1000);
    };
    const rawRate = () => rate(() => ips.forEach((ip) => (sink += raw.get(ip) ? 1 : 0)));
    const coldRate = () => {
      const geo = service();
      return rate(() => ips.forEach((ip) => (sink += geo.lookup(ip).kind.length)));
    };
    const geo = service();
    const cachedRate = () => rate(() => ips.forEach((ip) => (sink += geo.lookup(ip).kind.length)));
    // Warm-up: JIT, the readers' decoder caches, and the cached service's memory.
    rawRate();
    coldRate();
    cachedRate();

    const samples = { raw: [] as number[], cold: [] as number[], cached: [] as number[], enrich: [] as number[], flush: [] as number[] };
    for (let i = 0; i < RUNS; i++) {
      samples.raw.push(rawRate());
      samples.cold.push(coldRate());
      samples.cached.push(cachedRate());
      db.exec("DELETE FROM geo_cache");
      const fresh = service();
      let start = performance.now();
      sink += fresh.lookupMany(ips).size;
      samples.enrich.push(performance.now() - start);
      start = performance.now();
      sink += await fresh.flush();
      samples.flush.push(performance.now() - start);
    }
    const base = median(samples.raw);
    const perSecond = (value: number) => `${Math.round(value).toLocaleString("en")}/s`;
    const row = (what: string, value: number) => [what, perSecond(value), `${((value / base) * 100).toFixed(0)}%`];
    printTable(
      `geo lookups, built-in CC0 country database, ${ADDRESSES.toLocaleString("en")} distinct addresses (90% IPv4), median of ${RUNS}`,
      ["what", "rate", "vs raw reader"],
      [
        row("raw maxmind reader (Reader.get)", base),
        row("BanBot geo.lookup, cold (classify, read, merge, cache)", median(samples.cold)),
        row("BanBot geo.lookup, cached (target ≥ 80%)", median(samples.cached)),
      ],
    );
    printTable(`enriching ${ADDRESSES.toLocaleString("en")} distinct addresses, median of ${RUNS}`, ["what", "time"], [
      ["geo.lookupMany, cold", ms(median(samples.enrich))],
      ["geo.flush to SQLite (batches of 2,000)", ms(median(samples.flush))],
    ]);
    if (sink === 0) throw new Error("no lookup answered");
  } finally {
    databases.close();
    db.close();
  }
}

/** Distinct public addresses from a fixed seed: nine in ten IPv4, the rest IPv6 in 2000::/4. */
function addresses(count: number): string[] {
  let state = 0x9e3779b9;
  const next = () => {
    // xorshift32: the same sequence on every run and machine.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const seen = new Set<string>();
  while (seen.size < count) {
    const n = next();
    const ip =
      seen.size % 10 === 9
        ? `2${(n >>> 20).toString(16).padStart(3, "0")}:${(n & 0xffff).toString(16)}::${(next() & 0xffff).toString(16)}`
        : `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
    if (classifyAddress(ip)?.kind === "public") seen.add(ip);
  }
  return [...seen];
}
