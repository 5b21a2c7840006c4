import type { Database } from "better-sqlite3";

export interface Mute {
  what: string;
  /** Unix ms; undefined until unmuted by hand. */
  until?: number;
  by: string;
  at: number;
}

export interface AlertMutes {
  mute(mute: Mute): void;
  unmute(what: string): boolean;
  /** Mutes in force at `now`. */
  active(now: number): Mute[];
}

export function createAlertMutes(db: Database): AlertMutes {
  const upsert = db.prepare(
    "INSERT INTO alert_mutes (what, until, by, at) VALUES (?, ?, ?, ?) ON CONFLICT (what) DO UPDATE SET until = excluded.until, by = excluded.by, at = excluded.at",
  );
  const remove = db.prepare<[string]>("DELETE FROM alert_mutes WHERE what = ?");
  const list = db.prepare<[number], { what: string; until: number | null; by: string; at: number }>(
    "SELECT what, until, by, at FROM alert_mutes WHERE until IS NULL OR until > ? ORDER BY what",
  );
  return {
    mute: (m) => void upsert.run(m.what, m.until ?? null, m.by, m.at),
    unmute: (what) => remove.run(what).changes > 0,
    active: (now) => list.all(now).map((r) => ({ what: r.what, until: r.until ?? undefined, by: r.by, at: r.at })),
  };
}
