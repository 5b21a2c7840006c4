import type { Database } from "better-sqlite3";
import { JAIL_RESTARTED, type JailNotes } from "../core/ports/jail-notes.js";

interface Columns {
  jail: string;
  idle: 0 | 1;
  by: string;
  at: number;
}

export function createJailNotes(db: Database): JailNotes {
  const upsert = db.prepare<{ host: string; jail: string; idle: 0 | 1; by: string; at: number }>(
    `INSERT INTO jail_idle (host, jail, idle, set_by, set_at) VALUES (@host, @jail, @idle, @by, @at)
     ON CONFLICT (host, jail) DO UPDATE SET idle = excluded.idle, set_by = excluded.set_by, set_at = excluded.set_at`,
  );
  const restarted = db.prepare<{ host: string; jail: string; at: number; by: string }>(
    "UPDATE jail_idle SET idle = 0, set_by = @by, set_at = @at WHERE host = @host AND jail = @jail AND idle = 1 AND set_at < @at",
  );
  const one = db.prepare<[string, string], Columns>(
    "SELECT jail, idle, set_by AS by, set_at AS at FROM jail_idle WHERE host = ? AND jail = ?",
  );
  const all = db.prepare<[string], Columns>(
    "SELECT jail, idle, set_by AS by, set_at AS at FROM jail_idle WHERE host = ? ORDER BY jail",
  );

  return {
    setIdle({ host, jail, idle, by, at }) {
      upsert.run({ host, jail, idle: idle ? 1 : 0, by, at });
    },
    jailRestarted(host, jail, at) {
      restarted.run({ host, jail, at, by: JAIL_RESTARTED });
    },
    idleOf(host, jail) {
      const row = one.get(host, jail);
      return row === undefined ? undefined : { idle: row.idle === 1, by: row.by, at: row.at };
    },
    all(host) {
      return all.all(host).map((row) => ({ jail: row.jail, idle: row.idle === 1, by: row.by, at: row.at }));
    },
  };
}
