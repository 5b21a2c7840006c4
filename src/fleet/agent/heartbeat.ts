import type { NatsConnection } from "@nats-io/transport-node";
import { encodeWire, type Heartbeat } from "../wire.js";

export interface HeartbeatDeps {
  connection: () => NatsConnection | undefined;
  /** This host's heartbeat subject. */
  subject: string;
  intervalMs: number;
  now: () => number;
}

/**
 * An agent's "still here", every interval while NATS is connected, and a last one saying it stops
 * on purpose, so the front can tell a shutdown from a host gone silent. Plain core NATS: a missed
 * beat is information too.
 */
export class HeartbeatSender {
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt: number;

  constructor(private readonly deps: HeartbeatDeps) {
    this.startedAt = deps.now();
  }

  /** Beats now and every interval after; again from now when called again (a new connection). */
  start(): void {
    clearTimeout(this.timer);
    this.beat(false);
    // A chain of timeouts, not an interval: a stalled event loop never queues a burst of beats.
    const next = () => {
      this.timer = setTimeout(() => {
        this.beat(false);
        next();
      }, this.deps.intervalMs);
      this.timer.unref();
    };
    next();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.beat(true);
    await this.deps.connection()?.flush().catch(() => undefined);
  }

  private beat(stopping: boolean): void {
    const beat: Heartbeat = { v: 1, at: this.deps.now(), startedAt: this.startedAt, intervalMs: this.deps.intervalMs, stopping };
    // Not connected (or closing): nothing to say it to; the front notices the silence.
    try {
      this.deps.connection()?.publish(this.deps.subject, encodeWire(beat));
    } catch {
      // A connection closed between asking and publishing: the same silence.
    }
  }
}
