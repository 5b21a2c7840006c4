import type { HistoryEvent, OriginNote } from "../history/event.js";
import type { Atomic } from "./transaction.js";

/** The write side of ban history. Reads are in history-queries.ts. */
export interface HistoryArchive extends Atomic {
  /**
   * Adds the events not archived yet and returns those that were new, as archived (an event BanBot
   * noted as its own takes that origin). With `refresh`, events already archived take the new ban time and count
   * (fail2ban's database is authoritative for them: bantime.increment raises both after the ban).
   * With `notedOnly`, only events BanBot noted as its own are added (the unbans of a jail it stopped).
   */
  add(events: readonly HistoryEvent[], opts?: { refresh?: boolean; notedOnly?: boolean }): HistoryEvent[];
  /** Tags archived events that match (when the note comes late), and keeps the rest for later ones. */
  note(host: string, note: OriginNote): void;
  /**
   * Deletes events older than the retention and stale notes, and rolls the weeks over by `now` up
   * into the weekly rollup (the daily job's upkeep); returns how many events went.
   */
  purge(opts: { now: number; retentionMs: number }): number;
}
