import type { Logger } from "pino";
import { UserError, isUserError } from "../errors.js";
import { encodeCommand, type PickleValue } from "./pickle.js";
import { SocketLine } from "./socket-line.js";

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
// While fail2ban is down because it stopped answering (not because its socket is gone or refuses),
// one request at most this often tries again; the others fail at once.
const SILENT_PROBE_MS = 5_000;

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
 * Persistent connections to fail2ban, each with one outstanding request at a time (nothing in the
 * protocol pairs replies with requests except their order): one for the urgent lane, one that
 * interactive and bulk work share. fail2ban serves every connection from one thread and its listen
 * backlog of 1 allows a couple at most, so a second one does not make it faster; it means a health
 * check never waits for a reply owed on the other (a bulk chunk with a two-minute timeout), and a
 * hung fail2ban is found within the check's own timeout.
 *
 * Waiting requests on the shared connection are taken by lane (interactive, then bulk), first come
 * first served within one. Once fail2ban is known unreachable (a request found its socket gone or
 * refusing, or a health check got no answer in time), the others fail at once with the same message
 * instead of each waiting out its timeout; the first request that gets an answer (a health check, or
 * a command that tries the socket again) ends the outage.
 */
export class Fail2banConnection {
  private readonly lines: Record<"urgent" | "shared", Line>;
  private readonly queues: Record<Lane, Request[]> = { urgent: [], interactive: [], bulk: [] };
  private readonly idle: (() => void)[] = [];
  private outage: Outage | undefined;

  constructor(private readonly opts: ConnectionOptions) {
    const line = () => ({ socket: new SocketLine({ socketPath: opts.socketPath, log: opts.log }), busy: false });
    this.lines = { urgent: line(), shared: line() };
  }

  send(args: readonly string[], timeoutMs = this.opts.timeoutMs, lane: Lane = "interactive"): Promise<PickleValue> {
    return new Promise((resolve, reject) => {
      this.queues[lane].push({ args, timeoutMs, lane, resolve, reject });
      this.pump(lane === "urgent" ? "urgent" : "shared");
    });
  }

  reachability(): Reachability {
    return this.outage ? { up: false, since: this.outage.since, cause: this.outage.cause } : { up: true };
  }

  async close(): Promise<void> {
    if (!this.idleNow()) await new Promise<void>((resolve) => this.idle.push(resolve));
    await Promise.all(Object.values(this.lines).map((line) => line.socket.close()));
  }

  private idleNow(): boolean {
    return !this.lines.urgent.busy && !this.lines.shared.busy && LANES.every((l) => this.queues[l].length === 0);
  }

  private pump(which: "urgent" | "shared"): void {
    const line = this.lines[which];
    if (line.busy) return;
    const lanes: readonly Lane[] = which === "urgent" ? ["urgent"] : ["interactive", "bulk"];
    const next = lanes.map((l) => this.queues[l]).find((q) => q.length > 0)?.shift();
    if (!next) {
      if (this.idleNow()) for (const wake of this.idle.splice(0)) wake();
      return;
    }
    line.busy = true;
    this.attempt(next, line.socket)
      .then(next.resolve, next.reject)
      // One turn of the event loop before choosing the next request: a command that makes several
      // requests in a row queues its next one meanwhile, instead of losing its turn to a bulk chunk.
      .finally(() =>
        setImmediate(() => {
          line.busy = false;
          this.pump(which);
        }),
      );
  }

  private async attempt(req: Request, line: SocketLine): Promise<PickleValue> {
    const outage = this.outage;
    const probing = outage !== undefined && req.lane !== "urgent";
    if (probing && outage.silent) {
      if (Date.now() - outage.lastProbe < SILENT_PROBE_MS) throw outage.cause;
      outage.lastProbe = Date.now();
    }
    let frame: Buffer;
    try {
      frame = encodeCommand(req.args);
    } catch (err) {
      throw new UserError("invalid_argument", "That argument cannot be sent to fail2ban.", { cause: err });
    }
    try {
      // While down, a command tries the socket once instead of retrying: it fails at once, or finds
      // fail2ban back.
      const reply = await this.observed(req.args, () => line.exchange(frame, req.timeoutMs, { retryConnect: !probing }));
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
}

interface Line {
  socket: SocketLine;
  busy: boolean;
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
