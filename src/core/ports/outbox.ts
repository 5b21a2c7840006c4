import type { PostedMessage } from "../chat.js";
import type { Platform } from "../platforms.js";
import type { Reply } from "../reply.js";

export type OutboxMode = "post" | "follow_up" | "replace";

export interface OutboxMessage {
  dedupeKey: string;
  platform: Platform;
  channel: string;
  reply: Reply;
  mode: OutboxMode;
  /** For follow_up and replace: the dedupe key of the earlier post they attach to. */
  parentKey?: string;
}

export interface OutboxRow extends OutboxMessage {
  id: number;
  state: "pending" | "sent" | "failed";
  attempts: number;
  nextAt: number;
  messageId?: string;
  thread?: string;
  lastError?: string;
  /** When an attempt whose outcome is unknown was made (Unix ms): the post may be out already. */
  unsureSince?: number;
}

export interface Outbox {
  /** Queues messages; one whose dedupe key was queued before (by any run) is ignored. Returns how many were new. */
  enqueue(messages: readonly OutboxMessage[], now: number): number;
  due(now: number, limit: number): OutboxRow[];
  /** The delivery state of a queued message and, once sent, its post; undefined when nothing was queued under that key. */
  delivery(key: string): { state: OutboxRow["state"]; posted: PostedMessage | undefined } | undefined;
  sent(key: string): PostedMessage | undefined;
  /**
   * Notes, before a post is made, that from `at` on it may be out (unless an earlier attempt's time is
   * noted already): should its outcome never be recorded, the next attempt looks for it first.
   */
  attempting(id: number, at: number): void;
  markSent(id: number, posted: PostedMessage, now: number): void;
  /** `unsureSince`: since when the message may have been posted (undefined: no attempt may have). */
  retryLater(id: number, nextAt: number, error: string, unsureSince: number | undefined): void;
  markFailed(id: number, error: string): void;
  pendingCount(): number;
  /** Per `platform:channel`, the oldest pending message whose retry time has not come yet. */
  heldBack(now: number): Map<string, number>;
}
