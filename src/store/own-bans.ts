import type { Database } from "better-sqlite3";
import { seconds } from "./history-sql.js";

/**
 * The addresses banned in a jail within [from, to) (Unix ms) that were not fail2ban's filters' doing:
 * BanBot's own bans (noted before it acts, whether or not their events have arrived yet) and those
 * the archive already knows came from elsewhere. What a counter of all bans must not count as attacks.
 */
export function ownBansQuery(db: Database, host: string): (jail: string, from: number, to: number) => string[] {
  const select = db.prepare<{ host: string; jail: string; from: number; to: number }, { ip: string }>(
    `SELECT ip FROM history_events WHERE host = @host AND at >= @from AND at < @to AND kind = 'ban' AND jail = @jail AND origin <> 'fail2ban'
     UNION
     SELECT ip FROM history_origin_notes WHERE at >= @from AND at < @to AND host = @host AND jail = @jail AND kind = 'ban'`,
  );
  return (jail, from, to) => select.all({ host, jail, from: seconds(from), to: seconds(to) }).map((r) => r.ip);
}
