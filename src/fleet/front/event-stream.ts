import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, StorageType, jetstreamManager } from "@nats-io/jetstream";
import { nanos, type NatsConnection } from "@nats-io/transport-node";
import type { FleetSubjects } from "../subjects.js";

// Events wait this long for a front that is down; an alert older than a week is history, not news.
const KEEP_MS = 7 * 86_400_000;
// A publish retried within this window (a lost acknowledgement) is dropped by its message id.
const DUPLICATE_WINDOW_MS = 10 * 60_000;
// An event not acknowledged within this is delivered again.
const ACK_WAIT_MS = 30_000;

/**
 * Creates the fleet's event stream and the front's durable consumer on it where they are missing.
 * The front does it (agents may only publish): the stream exists once a front has started, and
 * until then agents keep their alerts in their outboxes.
 */
export async function ensureEventStream(nc: NatsConnection, subjects: FleetSubjects): Promise<void> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(subjects.stream);
  } catch (err) {
    if (!isApiError(err, JetStreamApiCodes.StreamNotFound)) throw err;
    await jsm.streams.add({
      name: subjects.stream,
      subjects: [subjects.events],
      storage: StorageType.File,
      max_age: nanos(KEEP_MS),
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    });
  }
  try {
    await jsm.consumers.info(subjects.stream, subjects.consumer);
  } catch (err) {
    if (!isApiError(err, JetStreamApiCodes.ConsumerNotFound)) throw err;
    await jsm.consumers.add(subjects.stream, {
      durable_name: subjects.consumer,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(ACK_WAIT_MS),
      deliver_policy: DeliverPolicy.All,
      filter_subject: subjects.events,
    });
  }
}

function isApiError(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
}
