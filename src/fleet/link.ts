import { setTimeout as delay } from "node:timers/promises";
import { connect, type ConnectionOptions, type NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "pino";

export interface FleetLinkDeps {
  options: ConnectionOptions;
  log: Logger;
  /** Sets a new connection up (subscriptions, the stream); a failure closes it and tries again later. */
  onConnection: (nc: NatsConnection) => Promise<void>;
  /** Waits between attempts: doubling from `firstMs` up to `maxMs`. */
  retry?: { firstMs: number; maxMs: number };
}

const RETRY = { firstMs: 1_000, maxMs: 30_000 };

/**
 * This process's connection to NATS, kept up in the background: BanBot runs (captures bans, expires
 * timed bans, queues alerts) whether or not NATS is reachable, and catches up when it is. The
 * client reconnects by itself once connected; this covers the first connection and one the server
 * closed for good (credentials changed), which the client would not retry.
 */
export class FleetLink {
  private nc: NatsConnection | undefined;
  /** False between a disconnect and the reconnect: what is sent then would only wait in a buffer. */
  private up = false;
  private stopping = false;
  private readonly wake = new AbortController();
  private loop: Promise<void> | undefined;
  private markConnected: () => void = () => undefined;
  private readonly first = new Promise<void>((resolve) => (this.markConnected = resolve));

  constructor(private readonly deps: FleetLinkDeps) {}

  /** Resolves once the first connection is set up (it may be lost again later); never if it never is. */
  connected(): Promise<void> {
    return this.first;
  }

  start(): void {
    this.loop ??= this.keepConnected();
  }

  /** The connection while it is connected; undefined while NATS is away, so callers fail fast. */
  get connection(): NatsConnection | undefined {
    return this.up && this.nc?.isClosed() === false ? this.nc : undefined;
  }

  /** Lets subscriptions finish what they received, then closes. */
  async close(): Promise<void> {
    this.stopping = true;
    this.wake.abort();
    const nc = this.nc;
    if (nc && !nc.isClosed()) await nc.drain().catch((err: unknown) => this.deps.log.warn({ err }, "NATS drain failed"));
    await this.loop;
  }

  private async keepConnected(): Promise<void> {
    const { log } = this.deps;
    const retry = this.deps.retry ?? RETRY;
    let waitMs = retry.firstMs;
    const pause = async () => {
      await delay(waitMs, undefined, { signal: this.wake.signal }).catch(() => undefined);
      waitMs = Math.min(waitMs * 2, retry.maxMs);
    };
    while (!this.stopping) {
      let nc: NatsConnection;
      try {
        nc = await connect(this.deps.options);
      } catch (err) {
        const hint = tlsHint(err);
        log.warn({ err, servers: this.deps.options.servers, retryInMs: waitMs, ...(hint ? { hint } : {}) }, "cannot connect to NATS; trying again");
        await pause();
        continue;
      }
      if (this.stopping) {
        await nc.close();
        return;
      }
      try {
        await this.deps.onConnection(nc);
      } catch (err) {
        log.error({ err, retryInMs: waitMs }, "setting up the NATS connection failed; trying again");
        await nc.close();
        await pause();
        continue;
      }
      this.nc = nc;
      this.up = true;
      this.markConnected();
      waitMs = retry.firstMs;
      log.info({ server: nc.getServer() }, "connected to NATS");
      void this.watch(nc);
      const closedBy = await nc.closed();
      this.nc = undefined;
      this.up = false;
      if (this.stopping) return;
      log.error({ err: closedBy }, "NATS closed the connection; connecting again");
      await pause();
    }
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === "disconnect") {
        this.up = false;
        this.deps.log.warn({ server: s.server }, "disconnected from NATS; reconnecting");
      } else if (s.type === "reconnect") {
        this.up = true;
        this.deps.log.info({ server: s.server }, "reconnected to NATS");
      }
      else if (s.type === "error") this.deps.log.error({ err: s.error }, "NATS reported an error");
    }
  }
}

const UNTRUSTED = new Set(["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "SELF_SIGNED_CERT_IN_CHAIN", "DEPTH_ZERO_SELF_SIGNED_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "UNABLE_TO_GET_ISSUER_CERT"]);

/** What to do about a TLS failure to connect, for the log; undefined for any other failure. */
export function tlsHint(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code && UNTRUSTED.has(code)) return "the NATS server's certificate is not signed by a CA this process trusts: set fleet.tls.ca_file to the PEM of the CA that signed it (docs/fleet.md)";
    if (code === "ERR_TLS_CERT_ALTNAME_INVALID")
      return "the NATS server's certificate does not name the host in BANBOT_NATS_URL (with an IP address in the URL, the NATS client checks the name localhost): use a name the certificate carries (docs/fleet.md)";
  }
  return undefined;
}
