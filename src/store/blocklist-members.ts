import type { Database } from "better-sqlite3";
import { transaction } from "../db/transaction.js";
import type { MemberState, Member, BlocklistMembers } from "../core/ports/blocklist-members.js";

const COLUMNS = "source_id, jail, entry, state, owned, banned_at, f2b_until, expires_at";
type RawRow = [number, string, string, MemberState, number, number | null, number | null, number | null];

const fromRaw = ([sourceId, jail, entry, state, owned, bannedAt, f2bUntil, expiresAt]: RawRow): Member => ({
  sourceId,
  jail,
  entry,
  state,
  owned: owned === 1,
  bannedAt: bannedAt ?? undefined,
  f2bUntil: f2bUntil ?? undefined,
  expiresAt: expiresAt ?? undefined,
});

export function createBlocklistMembers(db: Database): BlocklistMembers {
  // Raw rows: building 50,000 named-column objects costs several times the query itself.
  const ofSource = db.prepare<[number], RawRow>(`SELECT ${COLUMNS} FROM blocklist_members WHERE source_id = ?`).raw();
  const SETTLED = "jail = ? AND state = 'banned' AND (f2b_until IS NULL OR f2b_until > ?)";
  const settled = db.prepare<[number, string, number], [string, number]>(`SELECT entry, owned FROM blocklist_members WHERE source_id = ? AND ${SETTLED}`).raw();
  const unsettled = db.prepare<[number, string, number], RawRow>(`SELECT ${COLUMNS} FROM blocklist_members WHERE source_id = ? AND NOT (${SETTLED})`).raw();
  const depart = db.prepare<[number, number, string, string]>(
    "UPDATE blocklist_members SET state = 'departed', expires_at = coalesce(expires_at, ?) WHERE source_id = ? AND jail = ? AND entry = ?",
  );
  const needingWork = db.prepare<[number, string, number, number], number>(`SELECT count(*) FROM blocklist_members WHERE source_id = ?
    AND (jail <> ? OR state = 'pending' OR f2b_until <= ? OR expires_at <= ?)`).pluck();
  const count = db.prepare<[number], number>("SELECT count(*) FROM blocklist_members WHERE source_id = ?").pluck();
  const countByState = db.prepare<[number], [MemberState, number]>("SELECT state, count(*) FROM blocklist_members WHERE source_id = ? GROUP BY state").raw();
  const inJail = db.prepare<[string], RawRow>(`SELECT ${COLUMNS} FROM blocklist_members WHERE jail = ?`).raw();
  const othersInJail = db.prepare<[string, number], RawRow>(`SELECT ${COLUMNS} FROM blocklist_members WHERE jail = ? AND source_id <> ?`).raw();
  const liveEntries = db.prepare<[number, string, number], string>(
    "SELECT entry FROM blocklist_members WHERE source_id = ? AND jail = ? AND state <> 'pending' AND (f2b_until IS NULL OR f2b_until > ?)",
  ).pluck();
  const put = db.prepare(`INSERT OR REPLACE INTO blocklist_members (source_id, jail, entry, state, owned, banned_at, f2b_until, expires_at)
    VALUES (@source_id, @jail, @entry, @state, @owned, @banned_at, @f2b_until, @expires_at)`);
  const markBanned = db.prepare<[number, number | null, string, string]>(
    "UPDATE blocklist_members SET state = 'banned', owned = 1, banned_at = ?, f2b_until = ? WHERE jail = ? AND entry = ? AND state = 'pending'",
  );
  const remove = db.prepare<[number, string, string]>("DELETE FROM blocklist_members WHERE source_id = ? AND jail = ? AND entry = ?");
  const handOver = db.prepare<[string, string, number]>("UPDATE blocklist_members SET owned = 1 WHERE jail = ? AND entry = ? AND source_id <> ?");
  const setExpiry = db.prepare<[number | null, number, string, number | null]>(
    "UPDATE blocklist_members SET expires_at = ? WHERE source_id = ? AND jail = ? AND state <> 'departed' AND expires_at IS NOT ?",
  );
  const expired = db.prepare<[number], RawRow>(`SELECT ${COLUMNS} FROM blocklist_members WHERE expires_at IS NOT NULL AND expires_at <= ?
    ORDER BY source_id, jail, entry`).raw();
  const listing = db.prepare<[string], { source_id: number; jail: string }>("SELECT source_id, jail FROM blocklist_members WHERE entry = ? ORDER BY jail, source_id");

  return {
    ofSource: (sourceId) => ofSource.all(sourceId).map(fromRaw),
    settled(sourceId, jail, now) {
      const entries = new Map<string, boolean>();
      for (const [entry, owned] of settled.all(sourceId, jail, now)) entries.set(entry, owned === 1);
      return entries;
    },
    unsettled: (sourceId, jail, now) => unsettled.all(sourceId, jail, now).map(fromRaw),
    needingWork: (sourceId, jail, now) => needingWork.get(sourceId, jail, now, now) ?? 0,
    count: (sourceId) => count.get(sourceId) ?? 0,
    countByState(sourceId) {
      const counts: Record<MemberState, number> = { pending: 0, banned: 0, departed: 0 };
      for (const [state, n] of countByState.all(sourceId)) counts[state] = n;
      return counts;
    },
    inJail: (jail) => inJail.all(jail).map(fromRaw),
    othersInJail: (jail, sourceId) => othersInJail.all(jail, sourceId).map(fromRaw),
    liveEntries: (sourceId, jail, now) => liveEntries.all(sourceId, jail, now),
    put(rows) {
      transaction(db, () => {
        for (const m of rows) {
          put.run({
            source_id: m.sourceId,
            jail: m.jail,
            entry: m.entry,
            state: m.state,
            owned: m.owned ? 1 : 0,
            banned_at: m.bannedAt ?? null,
            f2b_until: m.f2bUntil ?? null,
            expires_at: m.expiresAt ?? null,
          });
        }
      });
    },
    markBanned(jail, entries, at) {
      transaction(db, () => {
        for (const entry of entries) markBanned.run(at.bannedAt, at.f2bUntil ?? null, jail, entry);
      });
    },
    remove(sourceId, jail, entries) {
      transaction(db, () => {
        for (const entry of entries) remove.run(sourceId, jail, entry);
      });
    },
    handOver(jail, entry, fromSource) {
      handOver.run(jail, entry, fromSource);
    },
    depart(sourceId, jail, entries, expiresAt) {
      transaction(db, () => {
        for (const entry of entries) depart.run(expiresAt, sourceId, jail, entry);
      });
    },
    setExpiry(sourceId, jail, expiresAt) {
      setExpiry.run(expiresAt ?? null, sourceId, jail, expiresAt ?? null);
    },
    expired: (now) => expired.all(now).map(fromRaw),
    listing: (entry) => listing.all(entry).map((r) => ({ sourceId: r.source_id, jail: r.jail })),
    atomically: (fn) => transaction(db, fn),
  };
}
