import { Reader, type Response } from "maxmind";
import { BoundedCache } from "./bounded-cache.js";
import type { GeoReader, GeoRecord } from "./model.js";
import { normaliseRecord } from "./record.js";

/** Database types we know how to read: MaxMind's City, Country, ASN, ISP, Enterprise, and lookalikes. */
const SUPPORTED_TYPE = /city|country|asn|isp|enterprise/i;
const ASN_ONLY_TYPE = /asn|isp/i;

// Decoded records are cached by their offset in the file; this many covers every record of a
// country database and the busy part of a city one.
const DECODER_CACHE = 10_000;

/** One MMDB file's contents, read with the `maxmind` package's reader. Immutable: a reload builds a new one. */
export class MmdbReader implements GeoReader {
  readonly name: string;
  /** Only ASN/organisation data: the embedded country database is still needed beside it. */
  readonly asnOnly: boolean;
  /** Has AS numbers (ASN, ISP, Enterprise). */
  readonly hasAsn: boolean;
  private readonly reader: Reader<Response>;
  private readonly v4Only: boolean;
  // The decoder hands out the same object for a cached offset, so each record is validated once.
  private readonly normalised = new WeakMap<object, GeoRecord | null>();

  /** Throws when `data` is no MMDB file or holds a kind of database we cannot use. */
  /** `label` replaces the file's database type in the name; `note` is appended in parentheses. */
  constructor(data: Buffer, opts: { label?: string; note?: string } = {}) {
    this.reader = new Reader<Response>(data, { cache: new BoundedCache<string | number, unknown>(DECODER_CACHE) });
    const { databaseType, buildEpoch, ipVersion } = this.reader.metadata;
    if (!SUPPORTED_TYPE.test(databaseType)) {
      throw new Error(`unsupported database type "${databaseType}": expected a City, Country or ASN database`);
    }
    this.asnOnly = ASN_ONLY_TYPE.test(databaseType) && !/city|country|enterprise/i.test(databaseType);
    this.hasAsn = /asn|isp|enterprise/i.test(databaseType);
    this.v4Only = ipVersion === 4;
    const built = Number.isNaN(buildEpoch.getTime()) ? "" : ` ${buildEpoch.toISOString().slice(0, 10)}`;
    this.name = `${opts.label ?? databaseType}${built}${opts.note ? ` (${opts.note})` : ""}`;
  }

  get(ip: string): GeoRecord | undefined {
    // mmdb-lib walks an IPv4-only tree with all 128 bits of an IPv6 address and lands on garbage.
    if (this.v4Only && ip.includes(":")) return undefined;
    const raw: unknown = this.reader.get(ip);
    if (raw === null || typeof raw !== "object") return undefined;
    let record = this.normalised.get(raw);
    if (record === undefined) {
      record = normaliseRecord(raw) ?? null;
      this.normalised.set(raw, record);
    }
    return record ?? undefined;
  }
}
