import { chmod, unlink } from "node:fs/promises";
import net from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import type { Logger } from "pino";
import { parseActionLine, type JailReport } from "./action-line.js";
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
  /** Writes a batch to the archive. */
  sink: (events: ListenedEvent[]) => Promise<void>;
  /** Told at once when a jail starts, stops or reloads (before events that came later are written). */
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
  /** Events lost because the archive write failed. */
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

const MAX_LINE_BYTES = 64 * 1024;
// Reading pauses while this many events wait for the archive, so a flood cannot exhaust memory.
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
  const batcher = new Batcher<ListenedEvent>({
    maxItems: opts.maxBatch ?? 1_000,
    maxDelayMs: opts.maxDelayMs ?? 50,
    flush: opts.sink,
    onError: (err, count) => {
      stats.failed += count;
      opts.log.error({ err, count }, "ban history write failed; the backfill recovers the bans");
    },
    onFlushed: (pending) => {
      if (pending < HIGH_WATER / 2) for (const s of sockets) s.resume();
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
      try {
        opts.onJail?.(parsed.report);
      } catch (err) {
        opts.log.error({ err, report: parsed.report }, "handling a jail report failed");
      }
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
      await batcher.drain();
      await unlink(opts.path).catch(() => undefined);
    },
  };
}
