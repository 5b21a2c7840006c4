import { jetstream } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "pino";
import type { HistoryEvent } from "../../core/history/event.js";
import { encodeWire, type BansEvent } from "../wire.js";

// A batch goes this long after its first ban: a burst of bans is one message, and the front's
// window (minutes) does not notice the wait.
const BATCH_MS = 1_000;
const MAX_BATCH = 1_000;
const PUBLISH_TIMEOUT_MS = 5_000;

export interface BanPublisherDeps {
  connection: () => NatsConnection | undefined;
  /** This host's bans subject. */
  subject: string;
  log: Logger;
}

/**
 * Tells the front the bans fail2ban's filters make on this host (not BanBot's own, nor blocklists'),
 * from the history capture's subscription, batched. A signal for the "seen across the fleet" watch,
 * not the record (that is the host's history): a batch NATS does not take is logged and dropped.
 */
export class BanPublisher {
  private pending: BansEvent["bans"] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly deps: BanPublisherDeps) {}

  /** The history's subscriber. */
  readonly onArchived = (events: readonly HistoryEvent[]): void => {
    for (const e of events) if (e.kind === "ban" && e.origin === "fail2ban") this.pending.push({ ip: e.ip, jail: e.jail, at: e.at });
    if (this.pending.length >= MAX_BATCH) this.flush();
    else if (this.pending.length > 0) this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  };

  /** Sends what is pending now; resolves when every batch so far is sent or given up. */
  async stop(): Promise<void> {
    this.flush();
    await this.sending;
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.pending.length > 0) {
      const bans = this.pending.splice(0, MAX_BATCH);
      this.sending = this.sending.then(() => this.send(bans));
    }
  }

  private async send(bans: BansEvent["bans"]): Promise<void> {
    const nc = this.deps.connection();
    try {
      if (!nc) throw new Error("not connected to NATS");
      await jetstream(nc).publish(this.deps.subject, encodeWire({ v: 1, bans }), { timeout: PUBLISH_TIMEOUT_MS });
    } catch (err) {
      this.deps.log.warn({ err, bans: bans.length }, "the front will not hear of these bans (NATS did not take them)");
    }
  }
}
