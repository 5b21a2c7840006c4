import type { Platform } from "../platforms.js";

export interface NewConfirmation {
  commandLine: string;
  platform: Platform;
  userId: string;
  /** Unix milliseconds. */
  now: number;
  ttlMs: number;
}

/** `not_yours`: the token is live, but somebody else asked for it. */
export type ConsumeResult = "ok" | "expired" | "unknown" | "mismatch" | "not_yours";

/** Who clicks: only the person who asked for a confirmation may use or drop it. */
export interface Requester {
  platform: Platform;
  userId: string;
}

export interface Confirmations {
  /** Returns the token the confirmation button carries. */
  create(confirmation: NewConfirmation): string;
  /**
   * Succeeds once per token, for the person who asked. An expired token is deleted; a mismatched
   * one, or one clicked by somebody else, is kept, so a forged, stale or borrowed button cannot use
   * up the real one.
   */
  consume(attempt: { token: string; commandLine: string; now: number; by: Requester }): ConsumeResult;
  /** Drops a pending confirmation, if `by` asked for it. */
  cancel(token: string, by: Requester): "cancelled" | "unknown" | "not_yours";
  purgeExpired(now: number): number;
}
