import type { Database } from "better-sqlite3";
import type { SourceSettings, Source, BlocklistSources } from "../core/ports/blocklist-sources.js";

interface Row {
  id: number;
  name: string;
  url: string;
  jail: string;
  schedule: string;
  ban_ms: number | null;
  max_entries: number;
  unban_departed: number;
  enabled: number;
  etag: string | null;
  last_modified: string | null;
  list_hash: string | null;
  created_at: number;
  created_by: string;
  updated_at: number;
}

const fromRow = (r: Row): Source => ({
  id: r.id,
  name: r.name,
  url: r.url,
  jail: r.jail,
  schedule: r.schedule,
  banMs: r.ban_ms ?? undefined,
  maxEntries: r.max_entries,
  unbanDeparted: r.unban_departed === 1,
  enabled: r.enabled === 1,
  etag: r.etag ?? undefined,
  lastModified: r.last_modified ?? undefined,
  listHash: r.list_hash ?? undefined,
  createdAt: r.created_at,
  createdBy: r.created_by,
  updatedAt: r.updated_at,
});

const params = (s: SourceSettings) => ({
  url: s.url,
  jail: s.jail,
  schedule: s.schedule,
  ban_ms: s.banMs ?? null,
  max_entries: s.maxEntries,
  unban_departed: s.unbanDeparted ? 1 : 0,
});

export function createBlocklistSources(db: Database, { host }: { host: string }): BlocklistSources {
  const insert = db.prepare(`INSERT INTO blocklist_sources
    (host, name, url, jail, schedule, ban_ms, max_entries, unban_departed, created_at, created_by, updated_at)
    VALUES (@host, @name, @url, @jail, @schedule, @ban_ms, @max_entries, @unban_departed, @at, @actor, @at)`);
  const update = db.prepare(`UPDATE blocklist_sources SET url = @url, jail = @jail, schedule = @schedule,
    ban_ms = @ban_ms, max_entries = @max_entries, unban_departed = @unban_departed, updated_at = @at,
    etag = CASE WHEN url = @url AND jail = @jail THEN etag END,
    last_modified = CASE WHEN url = @url AND jail = @jail THEN last_modified END,
    list_hash = CASE WHEN url = @url AND jail = @jail THEN list_hash END
    WHERE id = @id`);
  const setEnabled = db.prepare<[number, number, number]>("UPDATE blocklist_sources SET enabled = ?, updated_at = ? WHERE id = ?");
  const setValidators = db.prepare<[string | null, string | null, string | null, number]>(
    "UPDATE blocklist_sources SET etag = ?, last_modified = ?, list_hash = ? WHERE id = ?",
  );
  const remove = db.prepare<[number]>("DELETE FROM blocklist_sources WHERE id = ?");
  const byName = db.prepare<[string, string], Row>("SELECT * FROM blocklist_sources WHERE host = ? AND name = ?");
  const byId = db.prepare<[number], Row>("SELECT * FROM blocklist_sources WHERE id = ?");
  const all = db.prepare<[string], Row>("SELECT * FROM blocklist_sources WHERE host = ? ORDER BY name");

  return {
    create(name, settings, by) {
      const { lastInsertRowid } = insert.run({ host, name, ...params(settings), at: by.at, actor: by.actor });
      return fromRow(byId.get(Number(lastInsertRowid))!);
    },
    update(id, settings, at) {
      update.run({ id, ...params(settings), at });
    },
    setEnabled(id, enabled, at) {
      setEnabled.run(enabled ? 1 : 0, at, id);
    },
    setValidators(id, v) {
      setValidators.run(v.etag ?? null, v.lastModified ?? null, v.listHash ?? null, id);
    },
    remove(id) {
      remove.run(id);
    },
    byName(name) {
      const row = byName.get(host, name);
      return row && fromRow(row);
    },
    all() {
      return all.all(host).map(fromRow);
    },
  };
}
