import type { GeoInfo } from "../geo/model.js";

export interface GeoCacheEntry {
  /** Normalised address. */
  ip: string;
  /** Undefined for a negative result: nothing could place the address yet. */
  info?: GeoInfo;
  resolvedAt?: number;
  /** Unix milliseconds. */
  lastSeen: number;
  /** Failed retries so far (negative results only). */
  attempts: number;
  /** When the retry job may ask again (negative results only). */
  retryAt?: number;
}

/** The persistent half of the geo cache; GeoService keeps the hot half in memory. */
export interface GeoCacheStore {
  getMany(ips: readonly string[]): Map<string, GeoCacheEntry>;
  /**
   * One transaction. An answer replaces what is stored; a negative result only adds a missing row or
   * refreshes `last_seen`, so a lookup can never undo what the retry job found meanwhile.
   */
  saveMany(entries: readonly GeoCacheEntry[]): void;
  /** Negative results whose retry time has come, longest waiting first. */
  dueForRetry(now: number, limit: number): GeoCacheEntry[];
  /** Records a failed retry of a negative result. */
  postpone(ip: string, attempts: number, retryAt: number): void;
  /** Deletes rows last seen before `cutoff`; returns how many. */
  purgeUnseenSince(cutoff: number): number;
  counts(): { resolved: number; unresolved: number };
}
