import type { Logger } from "pino";
import { DeliveryError, type ChatAdapter } from "../chat.js";
import type { Platform } from "../platforms.js";
import type { Outbox, OutboxRow } from "../ports/outbox.js";

const BATCH = 20;
const MAX_BACKOFF_MS = 10 * 60_000;

export interface DeliveryDeps {
  outbox: Outbox;
  adapters: ReadonlyMap<Platform, Pick<ChatAdapter, "post">>;
  now: () => number;
  log: Logger;
}

/**
 * Delivers what is due, oldest first. A follow-up or replacement waits for the post it attaches to;
 * a platform that is down or rate-limiting is retried with backoff (honouring Retry-After) for as long
 * as it takes, so nothing is dropped; only a permanent refusal (unknown channel, no access) gives up.
 * Every post carries its outbox key, and after an attempt whose outcome is unknown the adapter is
 * told to look for that post before making it again, so nothing is posted twice either.
 */
export async function deliverDue(deps: DeliveryDeps): Promise<{ sent: number; waiting: number }> {
  const { outbox, adapters, now, log } = deps;
  let sent = 0;
  let waiting = 0;
  const blocked = new Set<string>();
  // Messages backing off (a 429's Retry-After, an outage) hold back the later ones to their channel.
  const held = outbox.heldBack(now());
  for (const row of outbox.due(now(), BATCH)) {
    const target = `${row.platform}:${row.channel}`;
    // Keep each channel in order: once one message there waits, the later ones wait too.
    if (blocked.has(target)) continue;
    if ((held.get(target) ?? Infinity) < row.id) {
      blocked.add(target);
      waiting++;
      continue;
    }
    const parentDelivery = row.parentKey === undefined ? undefined : outbox.delivery(row.parentKey);
    const parent = parentDelivery?.posted;
    if (row.parentKey !== undefined && !parent) {
      // Nothing to attach to (its post was muted, or failed for good): a lone update would confuse.
      if (parentDelivery?.state !== "pending") {
        outbox.markFailed(row.id, "the message it follows up was never posted");
        continue;
      }
      blocked.add(target);
      waiting++;
      continue;
    }
    const adapter = adapters.get(row.platform);
    if (!adapter) {
      outbox.markFailed(row.id, `${row.platform} is not configured`);
      continue;
    }
    const attemptAt = now();
    // Noted first: if the outcome cannot be recorded (the process dies, another process locks the
    // store meanwhile), the next attempt still knows to look for the post. A store that refuses even
    // this stops the run before anything is posted.
    outbox.attempting(row.id, attemptAt);
    try {
      const opts = row.mode === "follow_up" ? { followUpOf: parent } : row.mode === "replace" ? { replace: parent } : {};
      const posted = await adapter.post(row.channel, row.reply, { ...opts, key: row.dedupeKey, unsureSince: row.unsureSince });
      outbox.markSent(row.id, posted, now());
      sent++;
    } catch (err) {
      handleFailure(deps, row, err, attemptAt);
      blocked.add(target);
      waiting++;
    }
  }
  if (sent > 0 || waiting > 0) log.debug({ sent, waiting }, "outbox delivery");
  return { sent, waiting };
}

function handleFailure({ outbox, now, log }: DeliveryDeps, row: OutboxRow, err: unknown, attemptAt: number): void {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof DeliveryError && err.opts.permanent) {
    log.error({ err, key: row.dedupeKey }, "alert cannot be delivered");
    outbox.markFailed(row.id, message);
    return;
  }
  const backoff = Math.min(MAX_BACKOFF_MS, 5_000 * 2 ** Math.min(row.attempts, 10));
  const wait = err instanceof DeliveryError && err.opts.retryAfterMs !== undefined ? err.opts.retryAfterMs : backoff;
  // Whatever an adapter did not vouch for may have been posted: the next attempt looks first.
  const uncertain = !(err instanceof DeliveryError) || err.opts.uncertain === true;
  log.warn({ err, key: row.dedupeKey, attempts: row.attempts + 1, retryInMs: wait, uncertain }, "alert delivery failed; will retry");
  outbox.retryLater(row.id, now() + wait, message, uncertain ? (row.unsureSince ?? attemptAt) : row.unsureSince);
}
