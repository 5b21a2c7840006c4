/** Where an address is, as far as the databases know: every field but `source` may be missing. */
export interface GeoInfo {
  /** ISO 3166-1 alpha-2, upper case. */
  countryCode?: string;
  /** English. */
  countryName?: string;
  city?: string;
  asn?: number;
  org?: string;
  /** Which database(s) or service answered, e.g. "GeoLite2-City 2026-11-18 + GeoLite2-ASN 2026-11-18". */
  source: string;
}

/** One database's answer, before merging answers and naming the source. */
export type GeoRecord = Omit<GeoInfo, "source">;

export type GeoResult =
  | { kind: "found"; ip: string; info: GeoInfo }
  /** No database knows it (yet): when the fallback is on, the retry job will ask it. */
  | { kind: "unknown"; ip: string }
  /** Private, documentation, loopback… ranges: labelled, never looked up. */
  | { kind: "special"; ip: string; label: string; range: string }
  | { kind: "invalid"; ip: string };

export interface GeoDescription {
  /** "🇩🇪 Germany", "documentation range", "unknown" or "not an IP address". */
  label: string;
  info?: GeoInfo;
}

/**
 * The port commands use. Answers come from memory, the local database files or the SQLite cache,
 * never from the network, so a lookup never waits on anything slow. `ip` may be any spelling;
 * results carry the normalised address (IPv4-mapped IPv6 becomes IPv4).
 */
export interface GeoLookup {
  lookup(ip: string): GeoResult;
  /** Keyed by the addresses as given. */
  lookupMany(ips: readonly string[]): Map<string, GeoResult>;
  describe(ip: string): GeoDescription;
}

/** One database file (or a fake): synchronous and fast, since it is an in-memory tree. */
export interface GeoReader {
  /** Shown as the source, e.g. "GeoLite2-City 2026-11-18". */
  readonly name: string;
  /** `ip` is normalised and public; undefined when the database has no entry for it. */
  get(ip: string): GeoRecord | undefined;
}

/** The readers in merge order; `generation` changes whenever one of them was reloaded. */
export interface GeoDatabases {
  readonly readers: readonly GeoReader[];
  readonly generation: number;
  /** Reads now what is otherwise read at the first lookup, so that no lookup of a long-running process waits for it. */
  load?(): void;
}
