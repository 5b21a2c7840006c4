import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import type { Logger } from "pino";
import type { HostPresence } from "../../core/ports/fleet.js";
import type { FleetSubjects } from "../subjects.js";
import { HeartbeatSchema, decodeWire } from "../wire.js";

// An agent is gone after this many of its own intervals without a beat.
const MISSED_BEATS = 3;

export interface HeartbeatTrackerDeps {
  subjects: FleetSubjects;
  /** The hosts the config lists: reported gone until they beat. */
  expected: readonly string[];
  now: () => number;
  log: Logger;
}

/**
 * Which hosts are alive, from their heartbeats: each host's by the subject it came on (its
 * credentials allow no other), judged by the front's own clock against the interval the host beats at.
 */
export class HeartbeatTracker {
  private readonly seen = new Map<string, { lastSeen: number; startedAt: number; intervalMs: number; stopping: boolean }>();
  private sub: Subscription | undefined;

  constructor(private readonly deps: HeartbeatTrackerDeps) {}

  listen(nc: NatsConnection): void {
    this.sub = nc.subscribe(this.deps.subjects.heartbeats, { callback: (err, msg) => (err ? this.deps.log.error({ err }, "heartbeat subscription failed") : this.observe(msg.subject, msg.data)) });
  }

  stop(): void {
    this.sub?.unsubscribe();
  }

  /** One heartbeat message as it arrived. */
  observe(subject: string, data: Uint8Array): void {
    const host = this.deps.subjects.hostOf(subject);
    const beat = decodeWire(HeartbeatSchema, data);
    if (host === undefined || !beat.ok) {
      this.deps.log.warn({ subject, error: beat.ok ? "no host in the subject" : beat.error }, "unreadable heartbeat");
      return;
    }
    const before = this.presence(host).state;
    this.seen.set(host, { lastSeen: this.deps.now(), startedAt: beat.value.startedAt, intervalMs: beat.value.intervalMs, stopping: beat.value.stopping });
    const after = this.presence(host).state;
    if (after !== before) this.deps.log.info({ host, state: after }, "fleet host changed state");
  }

  presence(host: string): HostPresence {
    const beat = this.seen.get(host);
    if (!beat) return { host, state: "gone" };
    const state = beat.stopping ? "stopped" : this.deps.now() - beat.lastSeen <= MISSED_BEATS * beat.intervalMs ? "alive" : "gone";
    return { host, state, lastSeen: beat.lastSeen, startedAt: beat.startedAt };
  }

  /** The expected hosts and every other that beat since the front started, by name. */
  hosts(): HostPresence[] {
    return [...new Set([...this.deps.expected, ...this.seen.keys()])].sort().map((host) => this.presence(host));
  }
}
