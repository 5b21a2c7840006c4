import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { UserError } from "../errors.js";
import { ReplyAssembler } from "./framing.js";
import { END_MARKER, type PickleValue } from "./pickle.js";
import { connectError, lostError, timeoutError } from "./socket-errors.js";

const CLOSE_FRAME = Buffer.concat([Buffer.from("<F2B_CLOSE_COMMAND>", "latin1"), END_MARKER]);
// A refused connection means a stale socket (fail2ban crashed) or a server between bind and listen:
// worth retrying briefly, never for a whole command timeout.
const REFUSED_RETRY_MS = 1_000;

class ConnectionLost extends Error {
  constructor(readonly bytesReceived: number) {
    super("connection to fail2ban lost");
  }
}

/**
 * One persistent connection to fail2ban's socket, with at most one request on it at a time (nothing
 * in the protocol pairs replies with requests except their order): connects when needed, and
 * reconnects once when a kept-alive connection turns out to have died while idle.
 */
export class SocketLine {
  private socket: net.Socket | undefined;

  constructor(private readonly opts: { socketPath: string; log: Logger }) {}

  /** Sends one encoded request and resolves to its reply, all within `timeoutMs`, connecting included. */
  async exchange(frame: Buffer, timeoutMs: number, opts: { retryConnect: boolean }): Promise<PickleValue> {
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

  /** Says goodbye to fail2ban (it closes the connection once its replies are out). */
  async close(): Promise<void> {
    const sock = this.socket;
    this.socket = undefined;
    if (!sock || sock.destroyed) return;
    await new Promise<void>((resolve) => {
      sock.once("close", () => resolve());
      sock.end(CLOSE_FRAME);
      setTimeout(() => sock.destroy(), 1000).unref();
    });
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
