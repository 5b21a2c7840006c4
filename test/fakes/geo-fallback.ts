import type { FallbackAnswer, GeoFallback } from "../../src/core/geo/fallback.js";
import type { GeoRecord } from "../../src/core/geo/model.js";

/** An online geo service in memory: records what it was asked, and can be told to fail. */
export class FakeGeoFallback implements GeoFallback {
  readonly name = "geo.example";
  readonly asked: string[] = [];
  private failures: string[] = [];

  constructor(private readonly records: Record<string, GeoRecord> = {}) {}

  failNext(...reasons: string[]): void {
    this.failures.push(...reasons);
  }

  lookup(ip: string): Promise<FallbackAnswer> {
    this.asked.push(ip);
    const reason = this.failures.shift();
    if (reason !== undefined) return Promise.resolve({ kind: "failed", reason });
    const record = this.records[ip];
    return Promise.resolve(record ? { kind: "found", info: { ...record, source: "geo.example (online)" } } : { kind: "not-found" });
  }
}
