// The shapes of ban history: what a capture source reports, and what the archive keeps.

export type EventKind = "ban" | "unban";

/**
 * Why an event happened. `fail2ban`: its filter banned (or the ban ran out); `external`: someone
 * banned or unbanned by hand outside BanBot (fail2ban-client, another tool); `manual`: a BanBot user;
 * `blocklist:<name>`: a BanBot blocklist; `job:<name>`: one of BanBot's background jobs (e.g. a
 * timed ban's end), with the user it acted for as actor.
 */
export type Origin = "fail2ban" | "external" | BanBotOrigin;

/** The origins of what BanBot itself does. */
export type BanBotOrigin = "manual" | `blocklist:${string}` | `job:${string}`;

/** A ban or unban as a capture source (the fail2ban action, the database backfill) saw it. */
export interface CapturedEvent {
  jail: string;
  ip: string;
  kind: EventKind;
  /** Unix milliseconds. A ban: fail2ban's ban time; an unban: when it was lifted. */
  at: number;
  /**
   * fail2ban's `timeofban` (whole Unix seconds) of the ban the event belongs to. With host, jail, ip
   * and kind it is the key that makes capture idempotent, whichever source reports the event first.
   */
  banTime: number;
  /** -1 permanent. */
  banSeconds?: number;
  banCount?: number;
  failures?: number;
  matches?: readonly string[];
}

/** An event as the archive keeps it. */
export interface HistoryEvent extends Omit<CapturedEvent, "matches"> {
  host: string;
  origin: Origin;
  /** Who, when a BanBot user did it, e.g. `slack:U0123ABC`. */
  actor?: string;
  /** Sanitised excerpt of the matched log lines, one per line. */
  matches?: string;
  country?: string;
  asn?: number;
  asOrg?: string;
}

export interface ArchivedEvent extends HistoryEvent {
  id: number;
}

/** What a geo database knows of an address; every field may be missing. */
export interface GeoTags {
  countryCode?: string;
  asn?: number;
  org?: string;
}

/**
 * Optional country/ASN lookup, called once per batch of captured events with their distinct
 * addresses. Synchronous (the database files are in memory): the backfill prepares its reads inside
 * the transaction that writes them.
 */
export type GeoEnricher = (ips: readonly string[]) => ReadonlyMap<string, GeoTags>;

/** BanBot is about to ban or unban these addresses itself: tag the events when they arrive. */
export interface OriginNote {
  jail: string;
  ips: readonly string[];
  origin: BanBotOrigin;
  actor?: string;
  /** The ban's real length when it is not the jail's bantime (a timed ban); -1 permanent. */
  banSeconds?: number;
  /** Unix milliseconds, when BanBot acts. */
  at: number;
  /** Default `ban`. */
  kind?: EventKind;
}
