import type { GeoInfo, GeoReader } from "./model.js";

/** Told when a reader throws on a lookup (a corrupt file); the lookup goes on without it. */
export type ReaderFailure = (reader: GeoReader, ip: string, err: unknown) => void;

/**
 * Asks each reader in order and merges: country (and city) from the first that knows the country,
 * a city from a later one only when it agrees on the country (two databases of different ages may
 * not), ASN and organisation from the first that has them. `source` names every contributor.
 * A reader that throws counts as not knowing the address.
 */
export function lookupReaders(readers: readonly GeoReader[], ip: string, onFailure?: ReaderFailure): GeoInfo | undefined {
  let info: GeoInfo | undefined;
  let source = "";
  for (const reader of readers) {
    let record: ReturnType<GeoReader["get"]>;
    try {
      record = reader.get(ip);
    } catch (err) {
      onFailure?.(reader, ip, err);
      continue;
    }
    if (record === undefined) continue;
    info ??= { source: "" };
    let used = false;
    if (info.countryCode === undefined && record.countryCode !== undefined) {
      info.countryCode = record.countryCode;
      if (record.countryName !== undefined) info.countryName = record.countryName;
      if (record.city !== undefined) info.city = record.city;
      used = true;
    } else if (info.city === undefined && record.city !== undefined && record.countryCode === info.countryCode) {
      info.city = record.city;
      used = true;
    }
    if (info.asn === undefined && record.asn !== undefined) {
      info.asn = record.asn;
      if (record.org !== undefined) info.org = record.org;
      used = true;
    }
    if (used) source = source === "" ? reader.name : `${source} + ${reader.name}`;
  }
  if (info === undefined || source === "") return undefined;
  info.source = source;
  return info;
}
