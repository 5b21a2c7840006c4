import { chmod, unlink } from "node:fs/promises";
import net from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import type { Logger } from "pino";
import { parseActionLine, type JailReport } from "./action-line.js";
import { isStoreBusy } from "../store-busy.js";
import { Batcher } from "./batcher.js";
import type { CapturedEvent } from "./event.js";
import { LineSplitter } from "./line-splitter.js";
import { claimSocketPath } from "./socket-path.js";

/**
 * An event from the action; `refresh` when it updates an archived ban (bantime.increment); `stop`
 * for an unban because the jail stopped (fail2ban restores the ban when it starts again).
 */
export interface ListenedEvent {
  event: CapturedEvent;
  refresh: boolean;
  stop?: boolean;
}

export interface HistoryListenerOptions {
  path: string;
  /** File mode of the socket: who may report events (0o600: BanBot's user and root only). */
  mode: number;
  /**
   * Writes a batch to the archive. Throwing the store's "database is locked" keeps the batch, in
   * memory, for a later attempt; any other error loses it (the backfill recovers bans).
   */
  sink: (events: ListenedEvent[]) => Promise<void>;
  /**
   * Told when a jail starts, stops or reloads, in order with the events: after those that came
   * before are written, before those that came later. A locked store is retried as for `sink`.
   */
  onJail?: (report: JailReport) => void;
  log: Logger;
  maxBatch?: number;
  maxDelayMs?: number;
}

export interface ListenerStats {
  connections: number;
  events: number;
  /** Lines that were not valid protocol lines (bad JSON, bad fields, too long, cut off). */
  invalid: number;
  /** Events the action reported dropping while BanBot was not listening. */
  droppedByAction: number;
  /** Events lost because the archive write failed (or the store was still locked at shutdown). */
  failed: number;
  /** Jails whose action said hello. */
  jails: string[];
  /** Jail starts, stops and reloads reported. */
  jailReports: number;
}

export interface HistoryListener {
  stats(): ListenerStats;
  /** Stops listening, writes what was received, and removes the socket. */
  close(): Promise<void>;
}

// What arrived, in order: an event, or a jail's start, stop or reload.
type Received = ListenedEvent | { report: JailReport };

const MAX_LINE_BYTES = 64 * 1024;
// Reading pauses while this many events wait for the archive (a flood, or a store another process
// keeps locked), so memory stays bounded: the action then keeps (and at worst counts as dropped)
// what it cannot send.
const HIGH_WATER = 50_000;
const WARN_EVERY_MS = 60_000;
const CLOSE_GRACE_MS = 500;

/** Listens for the fail2ban action's JSON lines on a Unix socket only BanBot's user (and root) can use. */
export async function startHistoryListener(opts: HistoryListenerOptions): Promise<HistoryListener> {
  await claimSocketPath(opts.path);
  const stats = { connections: 0, events: 0, invalid: 0, droppedByAction: 0, failed: 0, jailReports: 0 };
  const jails = new Set<string>();
  const sockets = new Set<net.Socket>();
  let lastWarning = -Infinity;
  // Hands a batch on in order; stops at a locked store and says how far it got, so the rest waits.
  const deliver = async (items: Received[]): Promise<number> => {
    let done = 0;
    while (done < items.length) {
      const first = items[done]!;
      if ("report" in first) {
        try {
          opts.onJail?.(first.report);
        } catch (err) {
          if (isStoreBusy(err)) return done;
          opts.log.error({ err, report: first.report }, "handling a jail report failed");
        }
        done++;
        continue;
      }
      let end = done + 1;
      while (end < items.length && !("report" in items[end]!)) end++;
      const events = items.slice(done, end) as ListenedEvent[];
      try {
        await opts.sink(events);
      } catch (err) {
        if (isStoreBusy(err)) return done;
        stats.failed += events.length;
        opts.log.error({ err, count: events.length }, "ban history write failed; the backfill recovers the bans");
      }
      done = end;
    }
    return done;
  };
  const batcher = new Batcher<Received>({
    maxItems: opts.maxBatch ?? 1_000,
    maxDelayMs: opts.maxDelayMs ?? 50,
    flush: deliver,
    onError: (err, count) => {
      stats.failed += count;
      opts.log.error({ err, count }, "ban history write failed; the backfill recovers the bans");
    },
    onFlushed: (pending) => {
      if (pending < HIGH_WATER / 2) for (const s of sockets) s.resume();
    },
    onHeld: (waiting) => {
      if (waiting > 0) opts.log.warn({ waiting }, "BanBot's store is locked by another process: ban history events wait in memory until it is released");
      else opts.log.info("ban history events that waited for the store are archived");
    },
  });
  const invalid = (reason: string): void => {
    stats.invalid++;
    const now = Date.now();
    if (now - lastWarning < WARN_EVERY_MS) return;
    lastWarning = now;
    opts.log.warn({ reason, invalid: stats.invalid }, "ignored an invalid line on the ban history socket");
  };
  const onLine = (line: string | undefined): void => {
    if (line === undefined) return invalid("line too long");
    if (line.trim() === "") return;
    const parsed = parseActionLine(line);
    if (parsed.kind === "invalid") return invalid(parsed.reason);
    if (parsed.kind === "hello") {
      jails.add(parsed.jail);
      stats.droppedByAction += parsed.dropped;
      if (parsed.dropped > 0) opts.log.warn({ jail: parsed.jail, dropped: parsed.dropped }, "fail2ban action dropped events while BanBot was away");
      return;
    }
    if (parsed.kind === "jail") {
      stats.jailReports++;
      batcher.add({ report: parsed.report });
      return;
    }
    stats.events++;
    batcher.add(parsed.stop ? { event: parsed.event, refresh: parsed.prolong, stop: true } : { event: parsed.event, refresh: parsed.prolong });
  };

  const server = net.createServer((socket) => {
    stats.connections++;
    sockets.add(socket);
    const splitter = new LineSplitter(MAX_LINE_BYTES);
    socket.on("data", (chunk: Buffer) => {
      for (const line of splitter.push(chunk)) onLine(line);
      if (batcher.pending >= HIGH_WATER) socket.pause();
    });
    socket.on("error", (err) => opts.log.debug({ err }, "ban history connection error"));
    socket.on("close", () => {
      sockets.delete(socket);
      if (splitter.end()) invalid("connection closed mid-line");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.path, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // An unhandled 'error' later (e.g. too many open files) would crash the process; the backfill
  // covers whatever it costs.
  server.on("error", (err) => opts.log.error({ err }, "ban history socket error"));
  await chmod(opts.path, opts.mode);
  opts.log.info({ path: opts.path }, "listening for ban history from fail2ban");

  return {
    stats: () => ({ ...stats, jails: [...jails].sort() }),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // The action keeps its connection open: give lines in flight a moment, then hang up.
      for (const socket of sockets) socket.end();
      await Promise.race([closed, delay(CLOSE_GRACE_MS, undefined, { ref: false })]);
      for (const socket of sockets) socket.destroy();
      await closed;
      const left = (await batcher.drain()).filter((item) => !("report" in item)).length;
      if (left > 0) {
        stats.failed += left;
        opts.log.warn({ events: left }, "stopped with ban history events the locked store never took; the backfill recovers the bans");
      }
      await unlink(opts.path).catch(() => undefined);
    },
  };
}
