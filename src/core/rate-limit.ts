export interface RateLimiterOptions {
  /** Sustained rate, and also the burst a rested key may spend at once. */
  perMinute: number;
  /** Keys tracked at most; the least recently used is forgotten first. */
  maxKeys?: number;
  /** Unix milliseconds. */
  now: () => number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number };

interface Bucket {
  /** In 1/60 000ths of a token, so that refilling `perMinute` per minute is integer arithmetic. */
  units: number;
  at: number;
}

const UNITS_PER_TOKEN = 60_000;

/** A token bucket per key (typically platform + user): `perMinute` burst, refilled continuously. */
export class RateLimiter {
  readonly #perMinute: number;
  readonly #capacity: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  // Insertion order doubles as recency order: every take re-inserts its key at the end.
  readonly #buckets = new Map<string, Bucket>();

  constructor({ perMinute, maxKeys = 10_000, now }: RateLimiterOptions) {
    if (!Number.isInteger(perMinute) || perMinute < 1) throw new RangeError(`perMinute must be a positive integer, got ${perMinute}`);
    if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new RangeError(`maxKeys must be a positive integer, got ${maxKeys}`);
    this.#perMinute = perMinute;
    this.#capacity = perMinute * UNITS_PER_TOKEN;
    this.#maxKeys = maxKeys;
    this.#now = now;
  }

  take(key: string): TakeResult {
    const now = this.#now();
    const bucket = this.#refilled(this.#buckets.get(key), now);
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    this.#evictOverflow();
    if (bucket.units >= UNITS_PER_TOKEN) {
      bucket.units -= UNITS_PER_TOKEN;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil((UNITS_PER_TOKEN - bucket.units) / this.#perMinute) };
  }

  /** Forgets keys whose buckets have refilled: they behave exactly like keys never seen. */
  prune(): number {
    const now = this.#now();
    let dropped = 0;
    for (const [key, bucket] of this.#buckets) {
      if (this.#refilled(bucket, now).units >= this.#capacity) {
        this.#buckets.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  get size(): number {
    return this.#buckets.size;
  }

  #refilled(bucket: Bucket | undefined, now: number): Bucket {
    if (bucket === undefined) return { units: this.#capacity, at: now };
    // A clock stepping backwards must not drain anyone's bucket.
    const elapsed = Math.max(0, now - bucket.at);
    return { units: Math.min(this.#capacity, bucket.units + elapsed * this.#perMinute), at: Math.max(now, bucket.at) };
  }

  // An evicted key comes back with a full bucket: the price of bounded memory under a flood of new keys.
  #evictOverflow(): void {
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size <= this.#maxKeys) return;
      this.#buckets.delete(key);
    }
  }
}
