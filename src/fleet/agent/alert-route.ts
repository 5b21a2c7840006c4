import type { Alert } from "../../core/alerts/alert.js";
import type { OutboxMessage } from "../../core/ports/outbox.js";
import { AlertEventSchema, type AlertEvent } from "../wire.js";

// An agent's alerts wait in its own outbox until NATS takes them, like a chat post waits for Slack.
// The front routes them, so the outbox key carries everything about the alert but its reply: it is
// also the JetStream message id, with which the stream drops a second publish of the same alert.

const KeySchema = AlertEventSchema.omit({ v: true, reply: true });

/** An agent's alert routing: one message for the front per alert, in order per incident. */
export function fleetAlertRoute(alert: Alert): OutboxMessage[] {
  const { incident, step, seq, kind, jail } = alert;
  // The channel only orders delivery here: an incident's open, updates and resolution go in turn.
  return [{ dedupeKey: JSON.stringify({ incident, step, seq, kind, jail }), platform: "console", channel: incident, reply: alert.reply, mode: "post" }];
}

/** The event an outbox message of fleetAlertRoute becomes; undefined for any other key. */
export function alertEventOf(key: string, reply: AlertEvent["reply"]): AlertEvent | undefined {
  let meta: unknown;
  try {
    meta = JSON.parse(key);
  } catch {
    return undefined;
  }
  const parsed = KeySchema.safeParse(meta);
  return parsed.success ? { v: 1, ...parsed.data, reply } : undefined;
}
