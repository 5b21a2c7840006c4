import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { UserError } from "../errors.js";
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

const CLOSE_FRAME = Buffer.concat([Buffer.from("<F2B_CLOSE_COMMAND>", "latin1"), END_MARKER]);

class ConnectionLost extends Error {
  constructor(readonly bytesReceived: number) {
    super("connection to fail2ban lost");
  }
}

/**
 * One persistent connection with a FIFO of one outstanding request. fail2ban's server has a listen
 * backlog of 1 and handles every connection in one thread, so more connections only add EAGAIN
 * failures; and nothing in the protocol pairs replies with requests except their order.
 */
export class Fail2banConnection {
  private socket: net.Socket | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: ConnectionOptions) {}

  send(args: readonly string[], timeoutMs = this.opts.timeoutMs): Promise<PickleValue> {
    const run = () => this.observed(args, () => this.exchange(args, timeoutMs));
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.tail;
    const sock = this.socket;
    this.socket = undefined;
    if (!sock || sock.destroyed) return;
    await new Promise<void>((resolve) => {
      sock.once("close", () => resolve());
      sock.end(CLOSE_FRAME);
      setTimeout(() => sock.destroy(), 1000).unref();
    });
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

  private async exchange(args: readonly string[], timeoutMs: number): Promise<PickleValue> {
    let frame: Buffer;
    try {
      frame = encodeCommand(args);
    } catch (err) {
      throw new UserError("invalid_argument", "That argument cannot be sent to fail2ban.", { cause: err });
    }
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      const reused = this.socket !== undefined;
      const sock = await this.connected(deadline);
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

  private async connected(deadline: number): Promise<net.Socket> {
    if (this.socket && !this.socket.destroyed) return this.socket;
    this.socket = undefined;
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
        // EAGAIN: the backlog of 1 is full; ECONNREFUSED: the server may be restarting.
        const transient = code === "EAGAIN" || code === "ECONNREFUSED";
        if (!transient || Date.now() + delay >= deadline) throw connectError(err, this.opts.socketPath);
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
