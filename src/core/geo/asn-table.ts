import { readFileSync } from "node:fs";
import { parseEntry, rangeOf } from "../blocklist/address.js";
import type { GeoReader, GeoRecord } from "./model.js";

/** The CSV files of an address-range-to-AS table (ip-location-db's `-num` layout). */
export interface AsnTableFiles {
  /** `start,end,asn,org` per line, addresses as numbers, ranges sorted and disjoint. */
  ipv4: string;
  ipv6?: string;
  /** Shown as the source, e.g. "ip-location-db asn 2026-06-17 (built-in)". */
  name: string;
}

/**
 * An ASN database read from ip-location-db's CSV files (there is no MMDB of it on npm): the ranges
 * in arrays, searched by bisection: IPv4 as numbers, IPv6 as bigints. Organisation names are
 * kept once per AS.
 */
export class AsnTable implements GeoReader {
  readonly name: string;
  private readonly v4: RangeColumns<number>;
  private readonly v6: RangeColumns<bigint>;
  private readonly orgs = new Map<number, string>();

  constructor(files: AsnTableFiles) {
    this.name = files.name;
    this.v4 = this.read(readFileSync(files.ipv4), (text) => Number(text));
    this.v6 = files.ipv6 === undefined ? emptyColumns() : this.read(readFileSync(files.ipv6), (text) => BigInt(text));
  }

  get(ip: string): GeoRecord | undefined {
    const network = parseEntry(ip);
    if (!network) return undefined;
    const range = rangeOf(network);
    const asn = range.version === 4 ? find(this.v4, range.start) : find(this.v6, range.start);
    if (asn === undefined || asn === 0) return undefined;
    const org = this.orgs.get(asn);
    return org ? { asn, org } : { asn };
  }

  // Bytes, not lines: splitting 400,000 lines into strings costs three times the time and memory.
  private read<T extends number | bigint>(csv: Buffer, value: (text: string) => T): RangeColumns<T> {
    const columns: RangeColumns<T> = { starts: [], ends: [], asns: [] };
    let at = 0;
    // Numbers are ASCII and decode faster as latin1; organisation names are UTF-8 ("Telefónica").
    const field = (encoding: "latin1" | "utf8" = "latin1"): string => {
      let end = at;
      if (csv[at] === QUOTE) {
        // A quoted organisation: `""` inside is one quote.
        for (end = at + 1; end < csv.length && !(csv[end] === QUOTE && csv[end + 1] !== QUOTE); end += csv[end] === QUOTE ? 2 : 1);
        const text = csv.toString("utf8", at + 1, end).replaceAll('""', '"');
        at = end + 2;
        return text;
      }
      while (end < csv.length && csv[end] !== COMMA && csv[end] !== NEWLINE) end++;
      const text = csv.toString(encoding, at, end);
      at = end + 1;
      return text;
    };
    while (at < csv.length) {
      const start = field();
      const end = field();
      const asn = Number(field());
      const org = csv[at - 1] === NEWLINE ? "" : field("utf8");
      if (start === "" || !Number.isInteger(asn)) continue;
      columns.starts.push(value(start));
      columns.ends.push(value(end));
      columns.asns.push(asn);
      if (org !== "" && !this.orgs.has(asn)) this.orgs.set(asn, org);
    }
    return columns;
  }
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

interface RangeColumns<T> {
  starts: T[];
  ends: T[];
  asns: number[];
}

const emptyColumns = <T>(): RangeColumns<T> => ({ starts: [], ends: [], asns: [] });

/** The AS of the range holding `key`, if one does. */
function find<T extends number | bigint>({ starts, ends, asns }: RangeColumns<T>, key: T): number | undefined {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! > key) hi = mid - 1;
    else if (ends[mid]! < key) lo = mid + 1;
    else return asns[mid];
  }
  return undefined;
}
