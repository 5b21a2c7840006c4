import type { Database } from "better-sqlite3";
import type { AlertState } from "../core/ports/alert-state.js";

export function createAlertState(db: Database): AlertState {
  const read = db.prepare<[string], { value: string }>("SELECT value FROM alert_state WHERE key = ?");
  const write = db.prepare(
    "INSERT INTO alert_state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
  );
  return {
    get: <T>(key: string) => {
      const row = read.get(key);
      return row ? (JSON.parse(row.value) as T) : undefined;
    },
    set: (key, value, now) => void write.run(key, JSON.stringify(value), now),
  };
}
