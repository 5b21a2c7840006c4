import type { Platform } from "./platforms.js";
import type { Reply } from "./reply.js";

/** Where a posted message ended up, so follow-ups can thread under it or update it. */
export interface PostedMessage {
  platform: Platform;
  channel: string;
  /** Slack message ts, or Discord message id. */
  id: string;
  /** The thread follow-ups go to (Slack: the parent ts; Discord: the thread channel id), once known. */
  thread?: string;
}

export interface PostOptions {
  /** Post as a reply in the thread of this earlier message. */
  followUpOf?: PostedMessage;
  /** Update this earlier message in place (an alert that changed) instead of posting. */
  replace?: PostedMessage;
  /**
   * The message's outbox key, carried with the post (Slack metadata, a Discord nonce) so that a
   * retry can recognise a post an earlier attempt made.
   */
  key?: string;
  /** Since then (Unix ms) an attempt may have been posted without BanBot hearing so: look before posting. */
  unsureSince?: number;
}

/**
 * A chat platform as the rest of BanBot sees it: started and stopped with the process, and able to
 * post a Reply to a channel (alerts), as a follow-up in the thread of an earlier post, or in place of it.
 * The demo's console is one too, so its alerts take the same path as everyone's.
 */
export interface ChatAdapter {
  readonly platform: Platform;
  start(): Promise<void>;
  stop(): Promise<void>;
  post(channel: string, reply: Reply, opts?: PostOptions): Promise<PostedMessage>;
}

/**
 * Thrown by adapters when a post failed; says whether and when to try again, and whether the
 * platform may have taken the post anyway (`uncertain`: no answer, or a server error).
 */
export class DeliveryError extends Error {
  override readonly name = "DeliveryError";

  constructor(
    message: string,
    readonly opts: { retryAfterMs?: number; permanent?: boolean; uncertain?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
  }
}
