import { jetstream } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { DeliveryError, type ChatAdapter, type PostOptions, type PostedMessage } from "../../core/chat.js";
import type { Reply } from "../../core/reply.js";
import { encodeWire } from "../wire.js";
import { alertEventOf } from "./alert-route.js";
import { bansEventOf } from "./ban-publisher.js";

// NATS away is cheap to check again, and what waits is an alert: try often rather than back off.
const NATS_RETRY_MS = 5_000;
const PUBLISH_TIMEOUT_MS = 5_000;

export interface AlertPublisherDeps {
  connection: () => NatsConnection | undefined;
  /** This host's alert subject. */
  subject: string;
  /** This host's bans subject, for the batches of BanPublisher. */
  bansSubject: string;
}

/**
 * Where an agent's outbox delivers: the fleet's JetStream stream instead of a chat platform, alerts
 * and ban batches alike. The outbox key is the message id, so a publish retried after a lost
 * acknowledgement is dropped by the stream, and the front's own outbox (keyed by the same alert)
 * drops anything older than that.
 */
export class AlertPublisher implements ChatAdapter {
  readonly platform = "console";

  constructor(private readonly deps: AlertPublisherDeps) {}

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  async post(channel: string, reply: Reply, opts: PostOptions = {}): Promise<PostedMessage> {
    const { key } = opts;
    const bans = key === undefined ? undefined : bansEventOf(key, reply);
    const event = bans ?? (key === undefined ? undefined : alertEventOf(key, reply));
    if (!event || key === undefined) throw new DeliveryError("not an alert for the fleet (its outbox key names none)", { permanent: true });
    const nc = this.deps.connection();
    if (!nc) throw new DeliveryError("not connected to NATS", { retryAfterMs: NATS_RETRY_MS });
    try {
      const ack = await jetstream(nc).publish(bans ? this.deps.bansSubject : this.deps.subject, encodeWire(event), { msgID: key, timeout: PUBLISH_TIMEOUT_MS });
      return { platform: "console", channel, id: String(ack.seq) };
    } catch (err) {
      // No stream yet (the front never started) or NATS went away: the outbox tries again later.
      throw new DeliveryError(`NATS did not take the alert: ${err instanceof Error ? err.message : String(err)}`, { cause: err, retryAfterMs: NATS_RETRY_MS });
    }
  }
}
