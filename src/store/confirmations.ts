import { randomBytes } from "node:crypto";
import type { Database } from "better-sqlite3";
import type { Platform } from "../core/identity.js";
import { transaction } from "../db/transaction.js";

export interface NewConfirmation {
  commandLine: string;
  platform: Platform;
  userId: string;
  /** Unix milliseconds. */
  now: number;
  ttlMs: number;
}

export type ConsumeResult = "ok" | "expired" | "unknown" | "mismatch";

export interface Confirmations {
  /** Returns the token the confirmation button carries. */
  create(confirmation: NewConfirmation): string;
  /**
   * Succeeds once per token. An expired token is deleted; a mismatched one is kept, so a forged or
   * stale button cannot use up the real one.
   */
  consume(attempt: { token: string; commandLine: string; now: number }): ConsumeResult;
  cancel(token: string): boolean;
  purgeExpired(now: number): number;
}

// 128 bits: unguessable, and short enough for a Discord custom_id (100 characters) beside a prefix.
const TOKEN_BYTES = 16;

export function createConfirmations(db: Database): Confirmations {
  const insert = db.prepare(`INSERT INTO confirmations (token, command_line, platform, user_id, created_at, expires_at)
    VALUES (@token, @commandLine, @platform, @userId, @now, @expiresAt)`);
  const take = db.prepare<{ token: string; commandLine: string; now: number }>(
    "DELETE FROM confirmations WHERE token = @token AND command_line = @commandLine AND expires_at >= @now",
  );
  const find = db.prepare<[string], { commandLine: string; expiresAt: number }>(
    "SELECT command_line AS commandLine, expires_at AS expiresAt FROM confirmations WHERE token = ?",
  );
  const remove = db.prepare<[string]>("DELETE FROM confirmations WHERE token = ?");
  const purge = db.prepare<[number]>("DELETE FROM confirmations WHERE expires_at < ?");

  return {
    create({ commandLine, platform, userId, now, ttlMs }) {
      if (!(ttlMs > 0)) throw new RangeError(`ttlMs must be positive, got ${ttlMs}`);
      const token = randomBytes(TOKEN_BYTES).toString("base64url");
      insert.run({ token, commandLine, platform, userId, now, expiresAt: now + ttlMs });
      return token;
    },
    consume(attempt) {
      // The DELETE is the claim: of two clicks, only the one that removes the row succeeds.
      return transaction(db, (): ConsumeResult => {
        if (take.run(attempt).changes === 1) return "ok";
        const row = find.get(attempt.token);
        if (row === undefined) return "unknown";
        if (attempt.now > row.expiresAt) {
          remove.run(attempt.token);
          return "expired";
        }
        return "mismatch";
      });
    },
    cancel(token) {
      return remove.run(token).changes === 1;
    },
    purgeExpired(now) {
      return purge.run(now).changes;
    },
  };
}
