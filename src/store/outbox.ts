import type { Database } from "better-sqlite3";
import { transaction } from "../db/transaction.js";
import type { Platform } from "../core/platforms.js";
import type { Reply } from "../core/reply.js";
import type { OutboxMode, OutboxMessage, OutboxRow, Outbox } from "../core/ports/outbox.js";

interface Row {
  id: number;
  dedupe_key: string;
  platform: Platform;
  channel: string;
  reply: string;
  mode: OutboxMode;
  parent_key: string | null;
  state: OutboxRow["state"];
  attempts: number;
  next_at: number;
  message_id: string | null;
  thread: string | null;
  last_error: string | null;
  unsure_since: number | null;
}

// Images are bytes; JSON carries them as base64 and they come back as Uint8Array.
const encode = (reply: Reply) =>
  JSON.stringify(reply, (_k, v: unknown) => (v instanceof Uint8Array ? { $b64: Buffer.from(v).toString("base64") } : v));
const decode = (text: string) =>
  JSON.parse(text, (_k, v: unknown) =>
    v && typeof v === "object" && "$b64" in v && typeof v.$b64 === "string" ? new Uint8Array(Buffer.from(v.$b64, "base64")) : v,
  ) as Reply;

function toRow(r: Row): OutboxRow {
  return {
    id: r.id,
    dedupeKey: r.dedupe_key,
    platform: r.platform,
    channel: r.channel,
    reply: decode(r.reply),
    mode: r.mode,
    parentKey: r.parent_key ?? undefined,
    state: r.state,
    attempts: r.attempts,
    nextAt: r.next_at,
    messageId: r.message_id ?? undefined,
    thread: r.thread ?? undefined,
    lastError: r.last_error ?? undefined,
    unsureSince: r.unsure_since ?? undefined,
  };
}

export function createOutbox(db: Database): Outbox {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO outbox (dedupe_key, platform, channel, reply, mode, parent_key, state, next_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
  );
  const dueRows = db.prepare<[number, number], Row>("SELECT * FROM outbox WHERE state = 'pending' AND next_at <= ? ORDER BY id LIMIT ?");
  const byKey = db.prepare<[string], Row>("SELECT * FROM outbox WHERE dedupe_key = ?");
  const sent = db.prepare("UPDATE outbox SET state = 'sent', sent_at = ?, message_id = ?, thread = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?");
  const later = db.prepare("UPDATE outbox SET next_at = ?, attempts = attempts + 1, last_error = ?, unsure_since = ? WHERE id = ?");
  const attempting = db.prepare("UPDATE outbox SET unsure_since = COALESCE(unsure_since, ?) WHERE id = ?");
  const failed = db.prepare("UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?");
  const pending = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'");
  const held = db.prepare<[number], { platform: string; channel: string; id: number }>(
    "SELECT platform, channel, MIN(id) AS id FROM outbox WHERE state = 'pending' AND next_at > ? GROUP BY platform, channel",
  );
  const enqueueAll = (messages: readonly OutboxMessage[], now: number) =>
    transaction(db, () => {
      let added = 0;
      for (const m of messages) {
        added += insert.run(m.dedupeKey, m.platform, m.channel, encode(m.reply), m.mode, m.parentKey ?? null, now, now).changes;
      }
      return added;
    });
  const delivery: Outbox["delivery"] = (key) => {
    const row = byKey.get(key);
    if (!row) return undefined;
    const posted =
      row.state === "sent" && row.message_id !== null ? { platform: row.platform, channel: row.channel, id: row.message_id, thread: row.thread ?? undefined } : undefined;
    return { state: row.state, posted };
  };
  return {
    enqueue: (messages, now) => enqueueAll(messages, now),
    due: (now, limit) => dueRows.all(now, limit).map(toRow),
    delivery,
    sent: (key) => delivery(key)?.posted,
    attempting: (id, at) => void attempting.run(at, id),
    markSent: (id, posted, now) => void sent.run(now, posted.id, posted.thread ?? null, id),
    retryLater: (id, nextAt, error, unsureSince) => void later.run(nextAt, error.slice(0, 500), unsureSince ?? null, id),
    markFailed: (id, error) => void failed.run(error.slice(0, 500), id),
    pendingCount: () => pending.get()?.n ?? 0,
    heldBack: (now) => new Map(held.all(now).map((r) => [`${r.platform}:${r.channel}`, r.id])),
  };
}
