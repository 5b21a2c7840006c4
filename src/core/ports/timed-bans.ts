export interface TimedBan {
  host: string;
  jail: string;
  ip: string;
  /** Unix milliseconds: when BanBot lifts the ban. */
  until: number;
  createdAt: number;
  /** Who banned, e.g. `slack:U0123ABC`. */
  actor: string;
  /**
   * When fail2ban lifts it unless BanBot bans it again first: BanBot's last ban of it plus the jail's
   * bantime (banning a banned address moves fail2ban's end there). Renewed only while before
   * `until`. Undefined when the jail bans forever (or the record predates BanBot keeping it).
   */
  f2bUntil?: number;
}

/**
 * Bans BanBot must lift itself. Everything but `upsert` acts on the store's own host (the one whose
 * fail2ban this process talks to); `upsert` defaults to it.
 */
export interface TimedBans {
  /** A re-ban of the same IP in the same jail replaces the end time (and actor). */
  upsert(ban: Omit<TimedBan, "host"> & { host?: string }): void;
  remove(jail: string, ip: string): boolean;
  /** The IP's timed bans in every jail (after `unban <ip> all`); returns how many were removed. */
  removeIp(ip: string): number;
  /** Every timed ban, or those of one jail; returns how many were removed. */
  removeAll(jail?: string): number;
  /** Bans whose end has come, oldest end first. */
  due(now: number, limit: number): TimedBan[];
  /** Bans fail2ban lifts by `before` though they must outlast that (and `now`), soonest first. */
  renewable(opts: { now: number; before: number; limit: number }): TimedBan[];
  /** After BanBot banned them again: when fail2ban now lifts them (undefined: never). */
  renewed(jail: string, ips: readonly string[], f2bUntil: number | undefined): void;
  get(jail: string, ip: string): TimedBan | undefined;
  forIp(ip: string): TimedBan[];
  /** Keyed by IP. */
  forJail(jail: string): Map<string, TimedBan>;
}
