import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { UserError, isUserError } from "../errors.js";
import { ReplyAssembler } from "./framing.js";
import { END_MARKER, encodeCommand, type PickleValue } from "./pickle.js";
import { connectError, lostError, timeoutError } from "./socket-errors.js";

export interface ConnectionOptions {
  socketPath: string;
  /** Per command, connecting included. */
  timeoutMs: number;
  log: Logger;
  /** Told about every round trip (queueing excluded), e.g. for a latency histogram. */
  observe?: (event: RoundTripEvent) => void;
}

export interface RoundTripEvent {
  /** The command without jail names or addresses, e.g. `get banip --with-time`: few distinct values. */
  command: string;
  seconds: number;
  /** `failed`: no reply (timeout, lost or refused connection); a fail2ban error reply is still `ok`. */
  outcome: "ok" | "failed";
}

/**
 * Which queue a request waits in. `urgent`: health checks and alert jobs, which must see an outage
 * while users are busy; `interactive`: commands someone waits for; `bulk`: chunks of large bans,
 * imports and the like, which yield to everything else between chunks.
 */
export type Lane = "urgent" | "interactive" | "bulk";

const LANES: readonly Lane[] = ["urgent", "interactive", "bulk"];

/** What the connection knows of fail2ban's reachability, from the requests it made. */
export interface Reachability {
  up: boolean;
  /** While down: since when (Unix ms) and why, as users are told. */
  since?: number;
  cause?: UserError;
}

// Failures that mean fail2ban cannot be reached at all (as opposed to a refused or unreadable command).
const UNREACHABLE = new Set(["fail2ban_socket_missing", "fail2ban_permission_denied", "fail2ban_refused", "fail2ban_timeout", "fail2ban_unavailable"]);
const CLOSE_FRAME = Buffer.concat([Buffer.from("<F2B_CLOSE_COMMAND>", "latin1"), END_MARKER]);
// A refused connection means a stale socket (fail2ban crashed) or a server between bind and listen:
// worth retrying briefly, never for a whole command timeout.
const REFUSED_RETRY_MS = 1_000;
// While fail2ban is down because it stopped answering (not because its socket is gone or refuses),
// one request at most this often tries again; the others fail at once.
const SILENT_PROBE_MS = 5_000;

class ConnectionLost extends Error {
  constructor(readonly bytesReceived: number) {
    super("connection to fail2ban lost");
  }
}

interface Request {
  args: readonly string[];
  timeoutMs: number;
  lane: Lane;
  resolve: (value: PickleValue) => void;
  reject: (err: unknown) => void;
}

interface Outage {
  since: number;
  cause: UserError;
  /** Connect failures are cheap to retry; a server that accepts but never answers is not. */
  silent: boolean;
  lastProbe: number;
}

/**
 * One persistent connection with one outstanding request at a time. fail2ban's server has a listen
 * backlog of 1 and handles every connection in one thread, so more connections only add EAGAIN
 * failures; and nothing in the protocol pairs replies with requests except their order.
 *
 * Waiting requests are taken by lane (urgent, then interactive, then bulk), first come first served
 * within one. Once fail2ban is known unreachable (a request found its socket gone or refusing, or a
 * health check got no answer in time), the others fail at once with the same message instead of each
 * waiting out its timeout; the first request that gets an answer (a health check, or a command that
 * tries the socket again) ends the outage.
 */
export class Fail2banConnection {
  private socket: net.Socket | undefined;
  private readonly queues: Record<Lane, Request[]> = { urgent: [], interactive: [], bulk: [] };
  private busy = false;
  private readonly idle: (() => void)[] = [];
  private outage: Outage | undefined;

  constructor(private readonly opts: ConnectionOptions) {}

  send(args: readonly string[], timeoutMs = this.opts.timeoutMs, lane: Lane = "interactive"): Promise<PickleValue> {
    return new Promise((resolve, reject) => {
      this.queues[lane].push({ args, timeoutMs, lane, resolve, reject });
      this.pump();
    });
  }

  reachability(): Reachability {
    return this.outage ? { up: false, since: this.outage.since, cause: this.outage.cause } : { up: true };
  }

  async close(): Promise<void> {
    if (this.busy || LANES.some((l) => this.queues[l].length > 0)) await new Promise<void>((resolve) => this.idle.push(resolve));
    const sock = this.socket;
    this.socket = undefined;
    if (!sock || sock.destroyed) return;
    await new Promise<void>((resolve) => {
      sock.once("close", () => resolve());
      sock.end(CLOSE_FRAME);
      setTimeout(() => sock.destroy(), 1000).unref();
    });
  }

  private pump(): void {
    if (this.busy) return;
    const next = LANES.map((l) => this.queues[l]).find((q) => q.length > 0)?.shift();
    if (!next) {
      for (const wake of this.idle.splice(0)) wake();
      return;
    }
    this.busy = true;
    this.attempt(next)
      .then(next.resolve, next.reject)
      // One turn of the event loop before choosing the next request: a command that makes several
      // requests in a row queues its next one meanwhile, instead of losing its turn to a bulk chunk.
      .finally(() =>
        setImmediate(() => {
          this.busy = false;
          this.pump();
        }),
      );
  }

  private async attempt(req: Request): Promise<PickleValue> {
    const outage = this.outage;
    const probing = outage !== undefined && req.lane !== "urgent";
    if (probing && outage.silent) {
      if (Date.now() - outage.lastProbe < SILENT_PROBE_MS) throw outage.cause;
      outage.lastProbe = Date.now();
    }
    try {
      // While down, a command tries the socket once instead of retrying: it fails at once, or finds
      // fail2ban back.
      const reply = await this.observed(req.args, () => this.exchange(req.args, req.timeoutMs, { retryConnect: !probing }));
      if (this.outage) this.opts.log.info({ downMs: Date.now() - this.outage.since }, "fail2ban answers again");
      this.outage = undefined;
      return reply;
    } catch (err) {
      // A socket that is gone or refuses is an outage whoever finds it. A request that timed out may
      // only have been a slow one (a huge listing): fail2ban is known hung once a check timed out too.
      const silent = isUserError(err, "fail2ban_timeout");
      if (isUserError(err) && UNREACHABLE.has(err.code) && (!silent || req.lane === "urgent" || this.outage)) {
        if (!this.outage) this.opts.log.warn({ code: err.code }, "fail2ban is unreachable; commands fail at once until it answers");
        this.outage = { since: this.outage?.since ?? Date.now(), cause: err, silent, lastProbe: Date.now() };
      }
      throw err;
    }
  }

  private async observed(args: readonly string[], exchange: () => Promise<PickleValue>): Promise<PickleValue> {
    const observe = this.opts.observe;
    if (!observe) return await exchange();
    const started = performance.now();
    let outcome: RoundTripEvent["outcome"] = "failed";
    try {
      const reply = await exchange();
      outcome = "ok";
      return reply;
    } finally {
      observe({ command: commandName(args), seconds: (performance.now() - started) / 1000, outcome });
    }
  }

  private async exchange(args: readonly string[], timeoutMs: number, opts: { retryConnect: boolean }): Promise<PickleValue> {
    let frame: Buffer;
    try {
      frame = encodeCommand(args);
    } catch (err) {
      throw new UserError("invalid_argument", "That argument cannot be sent to fail2ban.", { cause: err });
    }
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      const reused = this.socket !== undefined;
      const sock = await this.connected(deadline, opts.retryConnect);
      try {
        return await this.roundTrip(sock, frame, deadline);
      } catch (err) {
        // A kept-alive connection may have died while idle (fail2ban restarted). If nothing came
        // back, send once more on a fresh connection; every fail2ban command is safe to repeat.
        if (err instanceof ConnectionLost && err.bytesReceived === 0 && reused && attempt === 0) {
          this.opts.log.debug("fail2ban connection was stale; reconnecting");
          continue;
        }
        if (err instanceof ConnectionLost) throw lostError(err);
        throw err;
      }
    }
  }

  private async connected(deadline: number, retry: boolean): Promise<net.Socket> {
    if (this.socket && !this.socket.destroyed) return this.socket;
    this.socket = undefined;
    const refusedUntil = Math.min(deadline, Date.now() + REFUSED_RETRY_MS);
    for (let delay = 10; ; delay = Math.min(delay * 2, 500)) {
      try {
        const sock = await this.connectOnce(deadline);
        sock.on("close", () => {
          if (this.socket === sock) this.socket = undefined;
        });
        this.socket = sock;
        return sock;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // EAGAIN: the backlog of 1 is full (fail2ban is busy, not gone); ECONNREFUSED: the server
        // may be between bind and listen, or dead with its socket left behind.
        const until = code === "EAGAIN" ? deadline : code === "ECONNREFUSED" ? refusedUntil : 0;
        if (!retry || Date.now() + delay >= until) throw connectError(err, this.opts.socketPath);
        await sleep(delay);
      }
    }
  }

  private connectOnce(deadline: number): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const sock = net.createConnection(this.opts.socketPath);
      const timer = setTimeout(() => {
        sock.destroy();
        reject(Object.assign(new Error("connect timed out"), { code: "ETIMEDOUT" }));
      }, Math.max(1, deadline - Date.now()));
      sock.once("connect", () => {
        clearTimeout(timer);
        sock.removeAllListeners("error");
        sock.on("error", (err) => this.opts.log.debug({ err }, "fail2ban socket error"));
        resolve(sock);
      });
      sock.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  private roundTrip(sock: net.Socket, frame: Buffer, deadline: number): Promise<PickleValue> {
    return new Promise((resolve, reject) => {
      const assembler = new ReplyAssembler();
      const done = () => {
        clearTimeout(timer);
        sock.off("data", onData);
        sock.off("close", onClose);
      };
      const onData = (chunk: Buffer) => {
        try {
          const reply = assembler.push(chunk);
          if (!reply) return;
          done();
          if (reply.rest.length > 0) this.opts.log.warn({ bytes: reply.rest.length }, "unexpected bytes after a fail2ban reply");
          resolve(reply.value);
        } catch (err) {
          done();
          sock.destroy();
          reject(new UserError("fail2ban_protocol", "fail2ban sent a reply BanBot cannot read.", { cause: err }));
        }
      };
      const onClose = () => {
        done();
        reject(new ConnectionLost(assembler.bytesReceived));
      };
      // Once a request timed out its late reply would be taken for the next one's: drop the socket.
      const timer = setTimeout(() => {
        done();
        sock.destroy();
        reject(timeoutError());
      }, Math.max(1, deadline - Date.now()));
      sock.on("data", onData);
      sock.on("close", onClose);
      sock.write(frame);
    });
  }
}

// Server-wide settings read and written with `get <key>` / `set <key> <value>`; every other get/set
// names a jail second, which stays out of the name.
const SERVER_KEYS = new Set(["loglevel", "logtarget", "syslogsocket", "dbfile", "dbmaxmatches", "dbpurgeage", "thread", "allowipv6"]);

/** `get alpha banip --with-time` → `get banip --with-time`; `banned 192.0.2.1 …` → `banned`. */
function commandName(args: readonly string[]): string {
  const [verb = "", second = "", key = ""] = args;
  if (verb !== "get" && verb !== "set") return verb;
  if (SERVER_KEYS.has(second) || key === "") return `${verb} ${second}`;
  return args[3] === "--with-time" ? `${verb} ${key} --with-time` : `${verb} ${key}`;
}
