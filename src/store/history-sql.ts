import type { Database, Statement } from "better-sqlite3";
import type { EventKind, Origin } from "../core/history/event.js";

export type Params = Record<string, string | number>;

/** Statements differ only by which filters are present: a handful of shapes, each prepared once. */
export function statementCache(db: Database): (sql: string) => Statement {
  const cache = new Map<string, Statement>();
  return (sql) => {
    let prepared = cache.get(sql);
    if (!prepared) cache.set(sql, (prepared = db.prepare(sql)));
    return prepared;
  };
}

/** better-sqlite3 cannot bind undefined, and rejects names a statement does not use: drop the absent ones. */
export function defined(values: Record<string, string | number | undefined>): Params {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Params;
}

/** Unix milliseconds (the API) to the archive's Unix seconds. */
export function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** A history_events row as statements bind and select it (ban_time as banTime, and so on). */
export interface EventRow {
  host: string;
  jail: string;
  ip: string;
  kind: EventKind;
  /** Unix seconds. */
  at: number;
  banTime: number;
  banSeconds: number | null;
  banCount: number | null;
  failures: number | null;
  origin: Origin;
  actor: string | null;
  matches: string | null;
  country: string | null;
  asn: number | null;
  asOrg: string | null;
}
