import { setImmediate as nextTurn } from "node:timers/promises";
import type { Logger } from "pino";
import type { GeoCacheEntry, GeoCacheStore } from "../ports/geo-cache.js";
import { classifyAddress } from "../ip-ranges.js";
import { BoundedCache } from "./bounded-cache.js";
import { describeResult } from "./country.js";
import type { GeoFallback } from "./fallback.js";
import { lookupReaders } from "./merge.js";
import type { GeoDatabases, GeoDescription, GeoInfo, GeoLookup, GeoReader, GeoResult } from "./model.js";

const DAY = 86_400_000;
// A hit refreshes last_seen at most daily: ample precision for a retention of weeks, and it keeps
// cached lookups free of writes.
const TOUCH_AFTER = DAY;
// Rows per transaction; flush yields to the event loop between batches so commands are not held up.
const FLUSH_BATCH = 2_000;
// Failed retries back off 15 min, 1 h, 4 h, 16 h… up to a week.
const RETRY_BASE = 15 * 60_000;
const RETRY_MAX = 7 * DAY;

export interface GeoServiceOptions {
  databases: GeoDatabases;
  store: GeoCacheStore;
  /** Undefined when the online fallback is off (the default). */
  fallback?: GeoFallback | undefined;
  now: () => number;
  log: Logger;
  /** Most addresses kept in memory in front of SQLite. */
  memoryEntries: number;
  /** Rows not seen for this long are purged. */
  retentionMs: number;
}

export interface RetrySummary {
  checked: number;
  resolved: number;
  unresolved: number;
  /** Why the run stopped before the end of its batch (the fallback failing). */
  stopped?: string;
}

interface Cached {
  result: GeoResult;
  /** What to write when the entry is touched; none for special addresses, which are never stored. */
  entry?: GeoCacheEntry;
}

type Local = { kind: "done"; result: GeoResult } | { kind: "pending"; ip: string };

/**
 * Geo for commands and jobs. A lookup is answered from memory, else from the database files (always
 * current, so they come before SQLite), else from SQLite (fallback answers and negative results);
 * it never waits on the network. New answers and `last_seen` refreshes are collected in memory and
 * written by `flush()`; the jobs are `flush`, `purge` and `retryUnresolved`.
 */
export class GeoService implements GeoLookup {
  private readonly memory: BoundedCache<string, Cached>;
  private readonly dirty = new Map<string, GeoCacheEntry>();
  private generation: number;
  /** Databases whose lookups threw since the last reload: logged as errors once, then at debug. */
  private readonly failing = new Set<string>();

  constructor(private readonly opts: GeoServiceOptions) {
    this.memory = new BoundedCache(opts.memoryEntries);
    this.generation = opts.databases.generation;
  }

  /** Reads the databases now rather than at the first lookup (`banbot start`, the demo). */
  load(): void {
    this.opts.databases.load?.();
  }

  lookup(ip: string): GeoResult {
    const now = this.opts.now();
    const hit = this.hit(ip, now);
    if (hit !== undefined) return hit;
    const local = this.resolveLocal(ip, now);
    if (local.kind === "done") return local.result;
    return this.resolveStored([local.ip], now).get(local.ip) ?? { kind: "unknown", ip: local.ip };
  }

  lookupMany(ips: readonly string[]): Map<string, GeoResult> {
    const now = this.opts.now();
    // In the order asked, which callers building tables rely on: an address SQLite is asked about
    // holds its place with "unknown" until the answer replaces it.
    const out = new Map<string, GeoResult>();
    // Normalised address → the spellings asked for: one SQLite query for all the local misses.
    const pending = new Map<string, string[]>();
    for (const input of ips) {
      if (out.has(input)) continue;
      const hit = this.hit(input, now);
      const local: Local = hit !== undefined ? { kind: "done", result: hit } : this.resolveLocal(input, now);
      if (local.kind === "done") out.set(input, local.result);
      else {
        out.set(input, { kind: "unknown", ip: local.ip });
        pending.set(local.ip, [...(pending.get(local.ip) ?? []), input]);
      }
    }
    if (pending.size === 0) return out;
    const stored = this.resolveStored([...pending.keys()], now);
    for (const [ip, inputs] of pending) {
      const result = stored.get(ip);
      if (result !== undefined) for (const input of inputs) out.set(input, result);
    }
    return out;
  }

  /**
   * Like lookupMany, for addresses seen once in bulk (a backfill archives 100,000 at a time): answered
   * from memory, the database files or SQLite, but nothing is remembered or queued for writing, so
   * they neither evict the addresses commands keep asking about nor pile up until the next flush.
   */
  peekMany(ips: readonly string[]): Map<string, GeoResult> {
    // In the order asked, as lookupMany.
    const out = new Map<string, GeoResult>();
    // Addresses no file knows, by the spelling asked: one SQLite query for them all.
    const pending = new Map<string, string>();
    for (const input of ips) {
      if (out.has(input)) continue;
      const local = this.peekLocal(input);
      if (local.kind === "done") out.set(input, local.result);
      else {
        out.set(input, { kind: "unknown", ip: local.ip });
        pending.set(input, local.ip);
      }
    }
    if (pending.size === 0) return out;
    const stored = this.opts.store.getMany([...new Set(pending.values())]);
    for (const [input, ip] of pending) {
      const info = (this.dirty.get(ip) ?? stored.get(ip))?.info;
      if (info) out.set(input, { kind: "found", ip, info });
    }
    return out;
  }

  describe(ip: string): GeoDescription {
    return describeResult(this.lookup(ip));
  }

  /** Writes collected answers and `last_seen` refreshes; returns how many rows. Job: every minute or so. */
  async flush(): Promise<number> {
    let written = 0;
    while (this.dirty.size > 0) {
      // In key order: into an empty or sparse cache (a first sync's 100,000 answers) the rows then
      // append, instead of splitting pages all over the table. Entries changed meanwhile are taken
      // as they are when their batch is written, or by the next round.
      const keys = [...this.dirty.keys()].sort();
      for (let i = 0; i < keys.length; i += FLUSH_BATCH) {
        const batch: GeoCacheEntry[] = [];
        for (const ip of keys.slice(i, i + FLUSH_BATCH)) {
          const entry = this.dirty.get(ip);
          if (entry === undefined) continue;
          batch.push(entry);
          this.dirty.delete(ip);
        }
        try {
          this.opts.store.saveMany(batch);
        } catch (err) {
          // Put them back unless a newer version arrived meanwhile, so a later flush retries.
          for (const entry of batch) if (!this.dirty.has(entry.ip)) this.dirty.set(entry.ip, entry);
          throw err;
        }
        written += batch.length;
        if (this.dirty.size > 0) await nextTurn();
      }
    }
    return written;
  }

  /** Deletes rows not seen for the retention time; returns how many. Job: daily. */
  purge(now: number): number {
    return this.opts.store.purgeUnseenSince(now - this.opts.retentionMs);
  }

  /**
   * Asks again about up to `limit` addresses nothing could place: the database files first (they may
   * have been updated), then the online fallback when enabled, one address at a time. Stops at the
   * first fallback failure (down, slow or rate-limiting), leaving the rest due. Job: every few minutes.
   */
  async retryUnresolved(now: number, limit: number): Promise<RetrySummary> {
    await this.flush();
    const summary: RetrySummary = { checked: 0, resolved: 0, unresolved: 0 };
    for (const entry of this.opts.store.dueForRetry(now, limit)) {
      let info = this.lookupFiles(entry.ip);
      if (info === undefined && this.opts.fallback !== undefined) {
        const answer = await this.opts.fallback.lookup(entry.ip);
        if (answer.kind === "failed") {
          this.opts.log.warn({ service: this.opts.fallback.name, reason: answer.reason }, "geo fallback failed; will retry later");
          summary.stopped = answer.reason;
          break;
        }
        if (answer.kind === "found") info = answer.info;
      }
      summary.checked++;
      if (info === undefined) {
        const attempts = entry.attempts + 1;
        this.opts.store.postpone(entry.ip, attempts, now + Math.min(RETRY_MAX, RETRY_BASE * 4 ** (attempts - 1)));
        summary.unresolved++;
      } else {
        // A refresh of the negative result may be waiting in memory; the answer supersedes it.
        const waiting = this.dirty.get(entry.ip);
        this.dirty.delete(entry.ip);
        const lastSeen = Math.max(entry.lastSeen, waiting?.lastSeen ?? 0);
        const resolved: GeoCacheEntry = { ip: entry.ip, info, resolvedAt: now, lastSeen, attempts: 0 };
        this.opts.store.saveMany([resolved]);
        this.remember(resolved);
        summary.resolved++;
      }
    }
    return summary;
  }

  /** Flushes what is pending; the store is closed by its owner afterwards. */
  async close(): Promise<void> {
    await this.flush();
  }

  private hit(key: string, now: number): GeoResult | undefined {
    if (this.opts.databases.generation !== this.generation) {
      // A database file was reloaded: what memory holds may be out of date.
      this.generation = this.opts.databases.generation;
      this.memory.clear();
      this.failing.clear();
      return undefined;
    }
    const cached = this.memory.get(key);
    if (cached === undefined) return undefined;
    if (cached.entry !== undefined && now - cached.entry.lastSeen >= TOUCH_AFTER) {
      cached.entry = { ...cached.entry, lastSeen: now };
      this.dirty.set(cached.entry.ip, cached.entry);
    }
    return cached.result;
  }

  /** Everything but SQLite: invalid, special, another spelling of a cached address, or a database answer. */
  private resolveLocal(input: string, now: number): Local {
    const found = classifyAddress(input);
    if (found === undefined) return { kind: "done", result: { kind: "invalid", ip: input } };
    const ip = found.address;
    const hit = ip === input ? undefined : this.hit(ip, now);
    if (hit !== undefined) return { kind: "done", result: hit };
    if (found.kind === "special") {
      const result: GeoResult = { kind: "special", ip, label: found.label, range: found.range };
      this.memory.set(ip, { result });
      return { kind: "done", result };
    }
    const info = this.lookupFiles(ip);
    if (info === undefined) return { kind: "pending", ip };
    const entry: GeoCacheEntry = { ip, info, resolvedAt: now, lastSeen: now, attempts: 0 };
    this.dirty.set(ip, entry);
    return { kind: "done", result: this.remember(entry) };
  }

  /**
   * The database files' answer. One that throws (a corrupt file) counts as not knowing the address,
   * which then shows as unknown: a lookup must never turn a whole reply into an incident.
   */
  private lookupFiles(ip: string): GeoInfo | undefined {
    return lookupReaders(this.opts.databases.readers, ip, (reader: GeoReader, address: string, err: unknown) => {
      const first = !this.failing.has(reader.name);
      this.failing.add(reader.name);
      if (first) this.opts.log.error({ err, database: reader.name, ip: address }, "geo lookup failed; the address shows as unknown (more failures of this database are logged at debug)");
      else this.opts.log.debug({ err, database: reader.name, ip: address }, "geo lookup failed");
    });
  }

  /** resolveLocal without side effects: nothing remembered, nothing queued. */
  private peekLocal(input: string): Local {
    const cached = this.opts.databases.generation === this.generation ? this.memory.get(input) : undefined;
    if (cached !== undefined) return { kind: "done", result: cached.result };
    const found = classifyAddress(input);
    if (found === undefined) return { kind: "done", result: { kind: "invalid", ip: input } };
    if (found.kind === "special") return { kind: "done", result: { kind: "special", ip: found.address, label: found.label, range: found.range } };
    const info = this.lookupFiles(found.address);
    return info === undefined ? { kind: "pending", ip: found.address } : { kind: "done", result: { kind: "found", ip: found.address, info } };
  }

  /** Public addresses no database file knows: a fallback answer or a negative result from SQLite, or a new negative result. */
  private resolveStored(ips: readonly string[], now: number): Map<string, GeoResult> {
    const stored = this.opts.store.getMany(ips.filter((ip) => !this.dirty.has(ip)));
    const out = new Map<string, GeoResult>();
    for (const ip of ips) {
      let entry = this.dirty.get(ip) ?? stored.get(ip);
      if (entry === undefined) {
        // Due at once: the retry job picks it up on its next run.
        entry = { ip, lastSeen: now, attempts: 0, retryAt: now };
        this.dirty.set(ip, entry);
      } else if (now - entry.lastSeen >= TOUCH_AFTER) {
        entry = { ...entry, lastSeen: now };
        this.dirty.set(ip, entry);
      }
      out.set(ip, this.remember(entry));
    }
    return out;
  }

  private remember(entry: GeoCacheEntry): GeoResult {
    const result: GeoResult = entry.info ? { kind: "found", ip: entry.ip, info: entry.info } : { kind: "unknown", ip: entry.ip };
    this.memory.set(entry.ip, { result, entry });
    return result;
  }
}
