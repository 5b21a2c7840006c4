import type { GeoDatabases, GeoReader, GeoRecord } from "../../src/core/geo/model.js";

/** A geo database in memory that records every address it was asked about. */
export class FakeGeoReader implements GeoReader {
  readonly asked: string[] = [];

  constructor(
    readonly name: string,
    private readonly records: Record<string, GeoRecord> = {},
  ) {}

  get(ip: string): GeoRecord | undefined {
    this.asked.push(ip);
    return this.records[ip];
  }

  /** Changes an answer, as a new release of the database would. */
  set(ip: string, record: GeoRecord | undefined): void {
    if (record === undefined) delete this.records[ip];
    else this.records[ip] = record;
  }
}

/** Readers in merge order; bump `generation` to act as if a file had been reloaded. */
export class FakeGeoDatabases implements GeoDatabases {
  generation = 0;
  readonly readers: GeoReader[];

  constructor(...readers: GeoReader[]) {
    this.readers = readers;
  }
}
