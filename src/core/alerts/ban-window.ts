/** Country (or special range) and network of an address, as the spike alert labels them. */
export interface Place {
  country: string;
  network?: string;
}

/** What a spike alert says about a set of bans: how many, and who (from exactly those bans). */
export interface BanSample {
  count: number;
  /** Newest first, at most LATEST. */
  latest: string[];
  /** Label and count, most first, at most TOP. */
  countries: [string, number][];
  networks: [string, number][];
  /** How many of the bans were made when (Unix ms; a bucket's start or a ban's time), for the alert's rate chart. */
  rate: { at: number; n: number }[];
}

interface Bucket {
  count: number;
  latest: { ip: string; at: number }[];
  countries: Map<string, number>;
  networks: Map<string, number>;
}

const BUCKET_MS = 10_000;
const LATEST = 5;
const TOP = 5;
// As `top asns` labels bans of no known AS.
const UNKNOWN_NETWORK = "unknown";

/**
 * One jail's recent bans in 10-second buckets: counts and breakdowns, never the whole list, so a
 * flood of bans costs memory by the number of countries and networks, not of addresses.
 */
export class BanWindow {
  private readonly buckets = new Map<number, Bucket>();

  constructor(private readonly spanMs: number) {}

  /** One ban at `at` (Unix ms); or, from a counter, `n` bans nothing more is known of. */
  add(at: number, ban?: { ip: string; place?: Place }, n = 1): void {
    const start = at - (at % BUCKET_MS);
    let bucket = this.buckets.get(start);
    if (!bucket) this.buckets.set(start, (bucket = { count: 0, latest: [], countries: new Map(), networks: new Map() }));
    bucket.count += n;
    if (!ban) return;
    bucket.latest = [...bucket.latest, { ip: ban.ip, at }].sort((a, b) => b.at - a.at).slice(0, LATEST);
    if (ban.place) bump(bucket.countries, ban.place.country);
    // A ban whose AS no database knows counts as "unknown", so the networks add up to the bans.
    if (ban.place) bump(bucket.networks, ban.place.network ?? UNKNOWN_NETWORK);
  }

  /** Bans within `spanMs` (default the window) before `now`. */
  count(now: number, spanMs = this.spanMs): number {
    this.prune(now);
    let n = 0;
    for (const [start, b] of this.buckets) if (start + BUCKET_MS > now - spanMs) n += b.count;
    return n;
  }

  sample(now: number): BanSample {
    this.prune(now);
    const buckets = [...this.buckets.values()];
    const merged = (key: "countries" | "networks") => {
      const sum = new Map<string, number>();
      for (const b of buckets) for (const [label, n] of b[key]) sum.set(label, (sum.get(label) ?? 0) + n);
      return top(sum);
    };
    return {
      count: buckets.reduce((n, b) => n + b.count, 0),
      latest: buckets
        .flatMap((b) => b.latest)
        .sort((a, b) => b.at - a.at)
        .slice(0, LATEST)
        .map((l) => l.ip),
      countries: merged("countries"),
      networks: merged("networks"),
      rate: [...this.buckets].map(([at, b]) => ({ at, n: b.count })),
    };
  }

  private prune(now: number): void {
    for (const start of this.buckets.keys()) if (start + BUCKET_MS <= now - this.spanMs) this.buckets.delete(start);
  }
}

/** A sample of a list of bans (fail2ban's, for the counter fallback), newest first. */
export function sampleOf(bans: readonly { ip: string; at: number }[], places: ReadonlyMap<string, Place> | undefined): BanSample {
  const countries = new Map<string, number>();
  const networks = new Map<string, number>();
  for (const { ip } of bans) {
    const place = places?.get(ip);
    if (place) bump(countries, place.country);
    if (place) bump(networks, place.network ?? UNKNOWN_NETWORK);
  }
  return {
    count: bans.length,
    latest: [...bans]
      .sort((a, b) => b.at - a.at)
      .slice(0, LATEST)
      .map((b) => b.ip),
    countries: top(countries),
    networks: top(networks),
    rate: bans.map((b) => ({ at: b.at, n: 1 })),
  };
}

function bump(counts: Map<string, number>, label: string): void {
  counts.set(label, (counts.get(label) ?? 0) + 1);
}

function top(counts: ReadonlyMap<string, number>): [string, number][] {
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, TOP);
}
