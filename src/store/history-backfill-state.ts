import type { Database } from "better-sqlite3";
import type { BackfillState } from "../core/ports/history-backfill-state.js";

export function createBackfillState(db: Database): BackfillState {
  const get = db.prepare<[string, string], { rowid: number; jail: string | null; ip: string | null; time: number | null }>(
    "SELECT last_rowid AS rowid, last_jail AS jail, last_ip AS ip, last_time AS time FROM history_backfill WHERE host = ? AND source = ?",
  );
  const set = db.prepare<{ host: string; source: string; rowid: number; jail: string; ip: string; time: number; now: number }>(
    `INSERT INTO history_backfill (host, source, last_rowid, last_jail, last_ip, last_time, updated_at)
     VALUES (@host, @source, @rowid, @jail, @ip, @time, @now)
     ON CONFLICT (host, source) DO UPDATE SET last_rowid = excluded.last_rowid, last_jail = excluded.last_jail,
       last_ip = excluded.last_ip, last_time = excluded.last_time, updated_at = excluded.updated_at`,
  );
  return {
    get(host, source) {
      const row = get.get(host, source);
      return row && { rowid: row.rowid, jail: row.jail ?? "", ip: row.ip ?? "", time: row.time ?? 0 };
    },
    set(host, source, mark, now) {
      set.run({ host, source, ...mark, now });
    },
  };
}
