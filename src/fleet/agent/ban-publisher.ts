import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { HistoryEvent } from "../../core/history/event.js";
import type { Outbox, OutboxMessage } from "../../core/ports/outbox.js";
import type { Reply } from "../../core/reply.js";
import { BansEventSchema, type BansEvent } from "../wire.js";

// A batch goes this long after its first ban: a burst of bans is one message, and the front's
// window (minutes) does not notice the wait.
const BATCH_MS = 1_000;
const MAX_BATCH = 1_000;
/** The outbox channel of ban batches: delivered in order, apart from the alerts' incidents. */
export const BANS_CHANNEL = "fleet-bans";
const COLUMNS = ["ip", "jail", "at"];

export interface BanPublisherDeps {
  /** The agent's outbox, which its delivery job empties into the stream (AlertPublisher). */
  outbox: Pick<Outbox, "enqueue">;
  now: () => number;
  /** Runs the outbox delivery now. */
  deliver: () => void;
  log: Logger;
}

/**
 * Tells the front the bans fail2ban's filters make on this host (not BanBot's own, nor blocklists'),
 * from the history capture's subscription, batched. Each batch waits in the agent's outbox, as an
 * alert does, until NATS takes it: bans made while NATS (or the front) is away still count when it is
 * back, within the front's window. Its outbox key, a fresh id, is its JetStream message id, so a
 * publish retried after a lost acknowledgement is dropped by the stream, not counted twice.
 */
export class BanPublisher {
  private pending: BansEvent["bans"] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: BanPublisherDeps) {}

  /** The history's subscriber. */
  readonly onArchived = (events: readonly HistoryEvent[]): void => {
    for (const e of events) if (e.kind === "ban" && e.origin === "fail2ban") this.pending.push({ ip: e.ip, jail: e.jail, at: e.at });
    if (this.pending.length >= MAX_BATCH) this.flush();
    else if (this.pending.length > 0) this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  };

  /** Queues what is pending now (before the outbox's last delivery). */
  stop(): void {
    this.flush();
    clearTimeout(this.timer);
    this.timer = undefined;
    // flush() could not queue them (the store locked) and would have tried again: say they are lost.
    if (this.pending.length > 0) this.deps.log.warn({ bans: this.pending.length }, "stopping: these bans were not queued for the front");
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const messages: OutboxMessage[] = [];
    for (let i = 0; i < this.pending.length; i += MAX_BATCH) messages.push(banBatchMessage(this.pending.slice(i, i + MAX_BATCH)));
    if (messages.length === 0) return;
    try {
      this.deps.outbox.enqueue(messages, this.deps.now());
    } catch (err) {
      // The store is locked (a long write elsewhere): keep them and try again with the next batch.
      this.deps.log.warn({ err, bans: this.pending.length }, "could not queue bans for the front; trying again");
      this.timer = setTimeout(() => this.flush(), BATCH_MS);
      return;
    }
    this.pending = [];
    this.deps.deliver();
  }
}

/** A batch of bans as the outbox keeps it: a table of them, under a key that marks it a batch. */
export function banBatchMessage(bans: BansEvent["bans"]): OutboxMessage {
  const reply: Reply = {
    title: `${bans.length} bans by fail2ban's filters, for the front`,
    tone: "info",
    table: { columns: COLUMNS, rows: bans.map((b) => [b.ip, b.jail, b.at]) },
  };
  return { dedupeKey: JSON.stringify({ bans: randomUUID() }), platform: "console", channel: BANS_CHANNEL, reply, mode: "post" };
}

/** The event an outbox message of banBatchMessage becomes; undefined for any other. */
export function bansEventOf(key: string, reply: Reply): BansEvent | undefined {
  if (!key.startsWith('{"bans":') || reply.table?.columns.join() !== COLUMNS.join()) return undefined;
  const parsed = BansEventSchema.safeParse({ v: 1, bans: reply.table.rows.map(([ip, jail, at]) => ({ ip, jail, at })) });
  return parsed.success ? parsed.data : undefined;
}
