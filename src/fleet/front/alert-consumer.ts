import { jetstream, type ConsumerMessages, type JsMsg } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "pino";
import type { FleetSubjects } from "../subjects.js";
import { AlertEventSchema, BansEventSchema, decodeWire, type AlertEvent, type BansEvent } from "../wire.js";
import { ensureEventStream } from "./event-stream.js";


export interface AlertConsumerDeps {
  subjects: FleetSubjects;
  log: Logger;
  /**
   * Hands an agent's alert to the front's routing. It must be queued when this returns (the event is
   * then acknowledged) and must ignore what it queued before: an event whose acknowledgement was
   * lost comes again.
   */
  deliver: (host: string, event: AlertEvent) => void;
  /**
   * Takes a host's batch of bans (see BanPublisher); without it they are acknowledged unread. Like
   * `deliver`, it must have recorded them when it returns, and a throw brings them again.
   */
  bans?: (host: string, event: BansEvent) => void;
  /** An event the front could not take (its store locked) comes again after this; default 15 s. */
  retryMs?: number;
}

/**
 * The front's end of the agents' alerts: a durable consumer, so alerts published while the front
 * was down arrive when it is back, and an acknowledgement only after the alert is in the front's
 * outbox, so none is lost on the way. The host is the subject's, which the agent's credentials fix.
 */
export class AlertConsumer {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly deps: AlertConsumerDeps) {}

  /** Consumes on `nc`; on a new connection, instead of the old one. */
  async start(nc: NatsConnection): Promise<void> {
    const { subjects } = this.deps;
    this.messages?.stop();
    await ensureEventStream(nc, subjects);
    const consumer = await jetstream(nc).consumers.get(subjects.stream, subjects.consumer);
    const messages = await consumer.consume({ max_messages: 100 });
    this.messages = messages;
    this.loop = this.take(messages);
  }

  async stop(): Promise<void> {
    await this.messages?.close();
    await this.loop;
  }

  private async take(messages: ConsumerMessages): Promise<void> {
    const { subjects, log, deliver } = this.deps;
    for await (const m of messages) {
      const host = subjects.hostOf(m.subject);
      if (host !== undefined && m.subject === subjects.bans(host)) {
        this.takeBans(host, m);
        continue;
      }
      const event = decodeWire(AlertEventSchema, m.data);
      if (host === undefined || !event.ok) {
        // Never readable, whatever comes later: redelivering it would only block the ones behind.
        log.error({ subject: m.subject, seq: m.seq, error: event.ok ? "no host in the subject" : event.error }, "dropping an unreadable fleet event");
        m.term();
        continue;
      }
      try {
        deliver(host, event.value);
        m.ack();
      } catch (err) {
        log.error({ err, host, incident: event.value.incident }, "could not queue a fleet alert; it comes again");
        m.nak(this.deps.retryMs ?? 15_000);
      }
    }
  }

  private takeBans(host: string, m: JsMsg): void {
    const event = decodeWire(BansEventSchema, m.data);
    if (!event.ok) {
      this.deps.log.error({ subject: m.subject, seq: m.seq, error: event.error }, "dropping an unreadable fleet event");
      m.term();
      return;
    }
    try {
      this.deps.bans?.(host, event.value);
      m.ack();
    } catch (err) {
      this.deps.log.error({ err, host }, "could not note a host's bans; they come again");
      m.nak(this.deps.retryMs ?? 15_000);
    }
  }
}
