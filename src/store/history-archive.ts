import type { Database } from "better-sqlite3";
import type { EventKind, HistoryEvent, Origin } from "../core/history/event.js";
import { mayBeBanBots } from "../core/history/origin.js";
import { transaction } from "../db/transaction.js";
import { DAY_S, createHistoryRollups } from "./history-rollups.js";
import { seconds, type EventRow } from "./history-sql.js";
import type { HistoryArchive } from "../core/ports/history-archive.js";

// A note matches an event from a minute before BanBot acted to an hour after (a large blocklist
// import bans in chunks for minutes); notes nothing matched are dropped after a day.
const NOTE_BEFORE_S = 60;
const NOTE_AFTER_S = 3_600;
const NOTE_TTL_S = 86_400;
const PURGE_CHUNK = 10_000;

const KEY = "host = @host AND jail = @jail AND ip = @ip AND ban_time = @banTime AND kind = @kind";

const order = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
const byKey = (a: HistoryEvent, b: HistoryEvent): number =>
  order(a.host, b.host) || order(a.ip, b.ip) || a.banTime - b.banTime || order(a.kind, b.kind) || order(a.jail, b.jail);

// The event as archived after a note told whose it was.
function asNoted(event: HistoryEvent, row: EventRow): HistoryEvent {
  const noted: HistoryEvent = { ...event, origin: row.origin };
  if (row.actor !== null) noted.actor = row.actor;
  if (row.banSeconds !== null) noted.banSeconds = row.banSeconds;
  return noted;
}

export function createHistoryArchive(db: Database): HistoryArchive {
  // Bound by position: a backfill inserts 100,000 rows, and looking up 15 names in each row object
  // took a third of the time of an insert into a table without indexes.
  const insertRow = db.prepare<unknown[]>(`INSERT OR IGNORE INTO history_events
    (host, jail, ip, kind, at, ban_time, ban_seconds, ban_count, failures, origin, actor, matches, country, asn, as_org)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insert = (r: EventRow) =>
    insertRow.run(r.host, r.jail, r.ip, r.kind, r.at, r.banTime, r.banSeconds, r.banCount, r.failures, r.origin, r.actor, r.matches, r.country, r.asn, r.asOrg);
  const refresh = db.prepare<EventRow>(`UPDATE history_events SET ban_seconds = coalesce(@banSeconds, ban_seconds),
    ban_count = coalesce(@banCount, ban_count), matches = coalesce(matches, @matches) WHERE ${KEY}`);
  const rollups = createHistoryRollups(db);
  const findNote = db.prepare<[string, string, string, EventKind, number, number], { origin: Origin; actor: string | null; banSeconds: number | null }>(
    "SELECT origin, actor, ban_seconds AS banSeconds FROM history_origin_notes WHERE host = ? AND jail = ? AND ip = ? AND kind = ? AND at BETWEEN ? AND ?",
  );
  const dropNote = db.prepare<[string, string, string, EventKind]>(
    "DELETE FROM history_origin_notes WHERE host = ? AND jail = ? AND ip = ? AND kind = ?",
  );
  // A note is for many addresses at once (20,000 in one `ban`): one statement each for all of them,
  // the addresses as a JSON array, instead of an UPDATE and an INSERT per address. Inserted in key
  // order, which costs half as much as in the order given (20,000 addresses: 25 ms against 45 ms).
  type NoteRows = { host: string; jail: string; ips: string; kind: EventKind; origin: string; actor: string | null; banSeconds: number | null };
  const putNotes = db.prepare<NoteRows & { at: number }>(
    `INSERT INTO history_origin_notes (host, jail, ip, kind, origin, actor, ban_seconds, at)
     SELECT @host, @jail, value, @kind, @origin, @actor, @banSeconds, @at FROM json_each(@ips) WHERE true ORDER BY value
     ON CONFLICT (host, jail, ip, kind) DO UPDATE SET origin = excluded.origin, actor = excluded.actor, ban_seconds = excluded.ban_seconds, at = excluded.at`,
  );
  // Events archived already take a note when it comes. Found through the addresses, or through the
  // events of the note's window when it holds fewer: usually it holds none, as the note comes before
  // the ban, and 20,000 lookups by address would find nothing.
  const retagVia = (index: string) =>
    db
      .prepare<NoteRows & { from: number; to: number }, string>(
        `UPDATE history_events INDEXED BY ${index} SET origin = @origin, actor = @actor, ban_seconds = coalesce(@banSeconds, ban_seconds)
         WHERE host = @host AND ip IN (SELECT value FROM json_each(@ips)) AND jail = @jail AND kind = @kind AND origin = 'external' AND at BETWEEN @from AND @to
         RETURNING ip`,
      )
      .pluck();
  const retagByAddress = retagVia("history_events_key");
  const retagByTime = retagVia("history_events_at");
  const eventsWithin = db
    .prepare<[string, number, number, number], number>("SELECT count(*) FROM (SELECT 1 FROM history_events WHERE host = ? AND at BETWEEN ? AND ? LIMIT ?)")
    .pluck();
  const hosts = db.prepare<[], { host: string }>("SELECT DISTINCT host FROM history_events");
  const purgeEvents = db.prepare<[string, number, number]>(
    "DELETE FROM history_events WHERE id IN (SELECT id FROM history_events WHERE host = ? AND at < ? LIMIT ?)",
  );
  const purgeNotes = db.prepare<[number]>("DELETE FROM history_origin_notes WHERE at < ?");
  const anyNote = db.prepare<[string], number>("SELECT EXISTS (SELECT 1 FROM history_origin_notes WHERE host = ?)").pluck();

  // undefined: leave the event out (notedOnly, and BanBot did not note it). `notes`: the host has any.
  const toRow = (event: HistoryEvent, notes: boolean, notedOnly: boolean): EventRow | undefined => {
    const row: EventRow = {
      host: event.host,
      jail: event.jail,
      ip: event.ip,
      kind: event.kind,
      at: seconds(event.at),
      banTime: event.banTime,
      banSeconds: event.banSeconds ?? null,
      banCount: event.banCount ?? null,
      failures: event.failures ?? null,
      origin: event.origin,
      actor: event.actor ?? null,
      matches: event.matches ?? null,
      country: event.country ?? null,
      asn: event.asn ?? null,
      asOrg: event.asOrg ?? null,
    };
    if (!notedOnly && (!notes || !mayBeBanBots(event.origin))) return row;
    const note = notes ? findNote.get(row.host, row.jail, row.ip, row.kind, row.at - NOTE_AFTER_S, row.at + NOTE_BEFORE_S) : undefined;
    if (!note) return notedOnly ? undefined : row;
    dropNote.run(row.host, row.jail, row.ip, row.kind);
    return { ...row, origin: note.origin, actor: note.actor, banSeconds: note.banSeconds ?? row.banSeconds };
  };

  return {
    add(events, { refresh: update = false, notedOnly = false } = {}) {
      return transaction(db, () => {
        const added: HistoryEvent[] = [];
        const fresh: EventRow[] = [];
        // Most batches come when BanBot has noted nothing: then no event needs a note looked up.
        const noted = new Map<string, boolean>();
        const hasNotes = (host: string): boolean => noted.get(host) ?? noted.set(host, anyNote.get(host) === 1).get(host)!;
        // In key order: neighbouring inserts then land on the same pages of the indexes keyed by
        // address (the events' key, the addresses rollup), which makes large batches several times faster.
        for (const event of [...events].sort(byKey)) {
          const row = toRow(event, hasNotes(event.host), notedOnly);
          if (row === undefined) continue;
          if (insert(row).changes === 1) {
            added.push(row.origin === event.origin ? event : asNoted(event, row));
            fresh.push(row);
          } else if (update) refresh.run(row);
        }
        rollups.count(fresh);
        return added;
      });
    },
    note(host, { jail, ips, origin, actor, at, kind = "ban", banSeconds }) {
      const atS = seconds(at);
      transaction(db, () => {
        const params = { host, jail, kind, origin, actor: actor ?? null, banSeconds: banSeconds ?? null };
        // Events archived already take the note now; the other addresses keep it for their events to come.
        const [from, to] = [atS - NOTE_BEFORE_S, atS + NOTE_AFTER_S];
        const json = JSON.stringify(ips);
        const within = eventsWithin.get(host, from, to, ips.length) ?? 0;
        const retag = within === 0 ? undefined : within < ips.length ? retagByTime : retagByAddress;
        const tagged = new Set(retag?.all({ ...params, ips: json, from, to }));
        const waiting = tagged.size === 0 ? json : JSON.stringify(ips.filter((ip) => !tagged.has(ip)));
        if (waiting !== "[]") putNotes.run({ ...params, ips: waiting, at: atS });
      });
    },
    purge({ now, retentionMs }) {
      purgeNotes.run(seconds(now) - NOTE_TTL_S);
      // Whole days, so the daily rollups and the events they count always cover the same time.
      const oldest = seconds(now - retentionMs);
      const cutoff = oldest - (oldest % DAY_S);
      // One transaction: the weekly rollup drops a week and counts it again.
      transaction(db, () => rollups.purge(cutoff, seconds(now)));
      let total = 0;
      for (const { host } of hosts.all()) {
        // In chunks, so a first purge of a large archive never holds the write lock for long.
        let changes: number;
        do {
          changes = purgeEvents.run(host, cutoff, PURGE_CHUNK).changes;
          total += changes;
        } while (changes === PURGE_CHUNK);
      }
      return total;
    },
    atomically: (fn) => transaction(db, fn),
  };
}
