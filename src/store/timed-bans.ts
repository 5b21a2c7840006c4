import type { Database } from "better-sqlite3";

export interface TimedBan {
  host: string;
  jail: string;
  ip: string;
  /** Unix milliseconds: when BanBot lifts the ban. */
  until: number;
  createdAt: number;
  /** Who banned, e.g. `slack:U0123ABC`. */
  actor: string;
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
  forIp(ip: string): TimedBan[];
  /** Keyed by IP. */
  forJail(jail: string): Map<string, TimedBan>;
}

const SELECT = "SELECT host, jail, ip, until, created_at AS createdAt, actor FROM timed_bans";

export function createTimedBans(db: Database, { host }: { host: string }): TimedBans {
  const upsert = db.prepare<TimedBan>(`INSERT INTO timed_bans (host, jail, ip, until, created_at, actor)
    VALUES (@host, @jail, @ip, @until, @createdAt, @actor)
    ON CONFLICT (host, jail, ip) DO UPDATE SET until = excluded.until, created_at = excluded.created_at, actor = excluded.actor`);
  const remove = db.prepare<[string, string, string]>("DELETE FROM timed_bans WHERE host = ? AND jail = ? AND ip = ?");
  const removeIp = db.prepare<[string, string]>("DELETE FROM timed_bans WHERE host = ? AND ip = ?");
  const removeJail = db.prepare<[string, string]>("DELETE FROM timed_bans WHERE host = ? AND jail = ?");
  const removeHost = db.prepare<[string]>("DELETE FROM timed_bans WHERE host = ?");
  const due = db.prepare<[string, number, number], TimedBan>(
    `${SELECT} WHERE host = ? AND until <= ? ORDER BY until, jail, ip LIMIT ?`,
  );
  const forIp = db.prepare<[string, string], TimedBan>(`${SELECT} WHERE host = ? AND ip = ? ORDER BY jail`);
  const forJail = db.prepare<[string, string], TimedBan>(`${SELECT} WHERE host = ? AND jail = ? ORDER BY ip`);

  return {
    upsert(ban) {
      upsert.run({ ...ban, host: ban.host ?? host });
    },
    remove(jail, ip) {
      return remove.run(host, jail, ip).changes === 1;
    },
    removeIp(ip) {
      return removeIp.run(host, ip).changes;
    },
    removeAll(jail) {
      return (jail === undefined ? removeHost.run(host) : removeJail.run(host, jail)).changes;
    },
    due(now, limit) {
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
      return due.all(host, now, limit);
    },
    forIp(ip) {
      return forIp.all(host, ip);
    },
    forJail(jail) {
      return new Map(forJail.all(host, jail).map((ban) => [ban.ip, ban]));
    },
  };
}
