import type { Database } from "better-sqlite3";
import { transaction } from "../db/transaction.js";
import type { TimedBan, TimedBans } from "../core/ports/timed-bans.js";

const SELECT = "SELECT host, jail, ip, until, created_at AS createdAt, actor, f2b_until AS f2bUntil FROM timed_bans";

type Row = Omit<TimedBan, "f2bUntil"> & { f2bUntil: number | null };
const fromRow = ({ f2bUntil, ...ban }: Row): TimedBan => (f2bUntil === null ? ban : { ...ban, f2bUntil });

export function createTimedBans(db: Database, { host }: { host: string }): TimedBans {
  const upsert = db.prepare<Row>(`INSERT INTO timed_bans (host, jail, ip, until, created_at, actor, f2b_until)
    VALUES (@host, @jail, @ip, @until, @createdAt, @actor, @f2bUntil)
    ON CONFLICT (host, jail, ip) DO UPDATE SET until = excluded.until, created_at = excluded.created_at, actor = excluded.actor, f2b_until = excluded.f2b_until`);
  const remove = db.prepare<[string, string, string]>("DELETE FROM timed_bans WHERE host = ? AND jail = ? AND ip = ?");
  const removeIp = db.prepare<[string, string]>("DELETE FROM timed_bans WHERE host = ? AND ip = ?");
  const removeJail = db.prepare<[string, string]>("DELETE FROM timed_bans WHERE host = ? AND jail = ?");
  const removeHost = db.prepare<[string]>("DELETE FROM timed_bans WHERE host = ?");
  const due = db.prepare<[string, number, number], Row>(
    `${SELECT} WHERE host = ? AND until <= ? ORDER BY until, jail, ip LIMIT ?`,
  );
  const renewable = db.prepare<{ host: string; now: number; before: number; limit: number }, Row>(
    `${SELECT} WHERE host = @host AND f2b_until <= @before AND until > f2b_until AND until > @now ORDER BY f2b_until, jail, ip LIMIT @limit`,
  );
  const renewed = db.prepare<[number | null, string, string, string]>("UPDATE timed_bans SET f2b_until = ? WHERE host = ? AND jail = ? AND ip = ?");
  const one = db.prepare<[string, string, string], Row>(`${SELECT} WHERE host = ? AND jail = ? AND ip = ?`);
  const forIp = db.prepare<[string, string], Row>(`${SELECT} WHERE host = ? AND ip = ? ORDER BY jail`);
  const forJail = db.prepare<[string, string], Row>(`${SELECT} WHERE host = ? AND jail = ? ORDER BY ip`);
  const positive = (limit: number) => {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  };

  return {
    upsert(ban) {
      upsert.run({ ...ban, host: ban.host ?? host, f2bUntil: ban.f2bUntil ?? null });
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
      positive(limit);
      return due.all(host, now, limit).map(fromRow);
    },
    renewable({ now, before, limit }) {
      positive(limit);
      return renewable.all({ host, now, before, limit }).map(fromRow);
    },
    renewed(jail, ips, f2bUntil) {
      transaction(db, () => {
        for (const ip of ips) renewed.run(f2bUntil ?? null, host, jail, ip);
      });
    },
    get(jail, ip) {
      const row = one.get(host, jail, ip);
      return row && fromRow(row);
    },
    forIp(ip) {
      return forIp.all(host, ip).map(fromRow);
    },
    forJail(jail) {
      return new Map(forJail.all(host, jail).map((row) => [row.ip, fromRow(row)]));
    },
  };
}
