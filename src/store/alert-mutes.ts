import type { Database } from "better-sqlite3";
import type { AlertMutes } from "../core/ports/alert-mutes.js";

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
