import type { Logger } from "pino";
import type { HistoryArchive } from "../ports/history-archive.js";
import type { BackfillState } from "../ports/history-backfill-state.js";
import type { HistoryQueries } from "../ports/history-queries.js";
import type { Fail2ban } from "../ports/fail2ban.js";
import { isStoreBusy } from "../store-busy.js";
import { Fail2banDatabase, locateFail2banDb } from "../fail2ban/database.js";
import type { JailReport } from "./action-line.js";
import { backfill, type BackfillResult } from "./backfill.js";
import type { GeoEnricher, HistoryEvent, OriginNote } from "./event.js";
import { startHistoryListener, type HistoryListener, type ListenedEvent } from "./listener.js";
import { prepareEvents } from "./prepare.js";

/** Ban history: capture (the action's socket, the database backfill), origin notes, retention, queries. */
export interface History extends HistoryQueries {
  readonly host: string;
  /**
   * BanBot is about to ban (or unban) these addresses itself: the events get this origin and actor.
   * Call it just before acting; a note that arrives after its event still tags it.
   */
  noteOrigin(note: OriginNote): void;
  /** Archives events from the action; returns how many were new. */
  ingest(events: readonly ListenedEvent[]): Promise<number>;
  /** Starts the socket the fail2ban action reports to. */
  listen(opts: { path: string; mode: number }): Promise<HistoryListener>;
  /** Archives what fail2ban's database gained since the last sync (the downtime safety net). */
  sync(fail2ban: Pick<Fail2ban, "dbFile">): Promise<BackfillResult>;
  /** Deletes events older than the retention; returns how many. */
  purge(now: number): number;
  /**
   * Calls `fn` with every batch of events newly archived (origin as archived), from the action as
   * they arrive or from the backfill; returns the unsubscribe. A throwing subscriber is logged, and
   * never costs the archive anything.
   */
  subscribe(fn: ArchivedListener): () => void;
  /**
   * Calls `fn` when the action reports that a jail started, stopped or reloaded (fail2ban turned its
   * idle flag off, restored its bans without BanBot's renewals); returns the unsubscribe. A `fn`
   * that throws the store's "database is locked" is called again, with the others, once it is
   * released: make it safe to repeat.
   */
  subscribeJails(fn: (report: JailReport) => void): () => void;
}

/** Where a batch of newly archived events came from: the action as it happens, or the database backfill. */
export type ArchivedListener = (events: readonly HistoryEvent[], source: "action" | "backfill") => void;

export interface HistoryDeps {
  host: string;
  archive: HistoryArchive;
  queries: HistoryQueries;
  backfillState: BackfillState;
  retentionMs: number;
  now: () => number;
  log: Logger;
  enrich?: GeoEnricher;
}

export function createHistory(deps: HistoryDeps): History {
  const { host, archive, queries, log } = deps;
  const listeners = new Set<ArchivedListener>();
  const jailListeners = new Set<(report: JailReport) => void>();
  // `retryBusy`: a subscriber that met a locked store stops the telling, and the caller tries again
  // later (jail reports, which their subscribers record); otherwise it only costs that subscriber.
  const tellAll = <A extends unknown[]>(fns: Iterable<(...args: A) => void>, args: A, { retryBusy = false } = {}): void => {
    for (const fn of fns) {
      try {
        fn(...args);
      } catch (err) {
        if (!isStoreBusy(err)) log.error({ err }, "a ban history subscriber failed");
        else if (retryBusy) throw err;
        else log.warn({ err }, "a ban history subscriber met the locked store");
      }
    }
  };
  const tell = (events: readonly HistoryEvent[], source: "action" | "backfill"): void => tellAll(listeners, [events, source]);
  const prepare = (events: Parameters<typeof prepareEvents>[0]) => prepareEvents(events, { host, enrich: deps.enrich, log });
  const archiveNow = (items: readonly ListenedEvent[]): number => {
    const events = prepare(items.map((i) => i.event));
    const plain = events.filter((_, i) => !items[i]!.refresh && !items[i]!.stop);
    const refresh = events.filter((_, i) => items[i]!.refresh);
    // A jail that stops lifts its bans until it starts again, when fail2ban restores them: only a
    // stop BanBot made (and noted, with who) is worth archiving as unbans.
    const stopped = events.filter((_, i) => items[i]!.stop);
    const added = archive.atomically(() => [...archive.add(plain), ...archive.add(refresh, { refresh: true }), ...archive.add(stopped, { notedOnly: true })]);
    if (added.length > 0) tell(added, "action");
    return added.length;
  };
  // A failure rejects rather than throws, as callers of an async ingest expect.
  const ingest = (items: readonly ListenedEvent[]): Promise<number> => new Promise((resolve) => resolve(archiveNow(items)));
  return {
    // createHistoryQueries returns a plain object of closures, so spreading keeps them working.
    ...queries,
    host,
    noteOrigin: (note) => archive.note(host, note),
    ingest,
    listen: ({ path, mode }) =>
      startHistoryListener({
        path,
        mode,
        log,
        sink: async (items) => {
          await ingest(items);
        },
        onJail: (report) => tellAll(jailListeners, [report], { retryBusy: true }),
      }),
    async sync(fail2ban) {
      const source = await locateFail2banDb(fail2ban);
      const fail2banDb = Fail2banDatabase.open(source);
      try {
        const onArchived = (events: readonly HistoryEvent[]) => tell(events, "backfill");
        const started = performance.now();
        const result = await backfill({ fail2banDb, source, host, state: deps.backfillState, archive, prepare, now: deps.now, onArchived });
        const durationMs = Math.round(performance.now() - started);
        if (result.added > 0 || result.rescanned) log.info({ ...result, durationMs }, "ban history synced from fail2ban's database");
        return result;
      } finally {
        fail2banDb.close();
      }
    },
    purge: (now) => archive.purge({ now, retentionMs: deps.retentionMs }),
    subscribe(fn) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    subscribeJails(fn) {
      jailListeners.add(fn);
      return () => void jailListeners.delete(fn);
    },
  };
}
