import type { ArchivedEvent } from "../history/event.js";

export interface EventFilter {
  ip?: string;
  jail?: string;
  /** Unix milliseconds: only events at or after it. */
  since?: number;
}

/** Bans in a window, for aggregates. */
export interface BanFilter {
  /** Unix milliseconds. */
  since: number;
  /** Unix milliseconds, exclusive; default no end. */
  until?: number;
  jail?: string;
}

export type TopKey = "ip" | "country" | "jail" | "asn";

export interface TopRow {
  /** The address, country code, jail or AS number; undefined for bans whose country or ASN is unknown. */
  key: string | undefined;
  bans: number;
  /** Unix milliseconds of the latest ban. */
  lastAt: number;
  /** For addresses: the country they were in when banned. */
  country?: string;
}

/** Buckets of `size` seconds starting at `offset` seconds past the epoch (Monday for weeks). */
export interface Bucketing {
  size: number;
  offset: number;
}

export interface TimelinePoint {
  /** Unix milliseconds, the start of the bucket. */
  at: number;
  jail: string;
  bans: number;
}

export interface IpSummary {
  bans: number;
  unbans: number;
  /** Unix milliseconds of the first and last ban. */
  first?: number;
  last?: number;
  perJail: { jail: string; bans: number; last: number }[];
  /** Newest first; only bans that carried log lines. */
  recentMatches: { at: number; jail: string; matches: string }[];
  country?: string;
  asn?: number;
  asOrg?: string;
}

/** Counts over bans in a time window. */
export interface HistoryAggregates {
  top(by: TopKey, filter: BanFilter, limit: number): TopRow[];
  timeline(filter: BanFilter, bucketing: Bucketing): TimelinePoint[];
  /** Bans in the window. */
  bans(filter: BanFilter): number;
  /** Distinct addresses banned in the window. */
  addresses(filter: BanFilter): number;
}

/** The read side of ban history, for one fail2ban host. */
export interface HistoryQueries extends HistoryAggregates {
  /**
   * Newest first; an address's events by ban, each unban just above its ban. `after` and `before`
   * are the id of the event at the edge of the current page: the next page comes after it, the
   * previous one before it (`andCursor`: with that event itself). A cursor whose event was purged
   * meanwhile matches nothing.
   */
  events(filter: EventFilter, page: { limit: number; after?: number; before?: number; andCursor?: boolean }): ArchivedEvent[];
  /** How many events match, counting no further than `cap`; `newerThan` counts those before an event (by id). */
  count(filter: EventFilter & { newerThan?: number }, cap: number): number;
  /** The name an AS had in the newest ban that recorded it. */
  asOrg(asn: number): string | undefined;
  /** Addresses banned in the window whose bans carry no country, most bans first, at most `cap`. */
  unplaced(filter: BanFilter, cap: number): { ip: string; bans: number; lastAt: number }[];
  ipSummary(ip: string): IpSummary;
}
