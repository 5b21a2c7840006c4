import { randomBytes } from "node:crypto";
import type { Database } from "better-sqlite3";
import { transaction } from "../db/transaction.js";
import type { ConsumeResult, Requester, Confirmations } from "../core/ports/confirmations.js";

// 128 bits: unguessable, and short enough for a Discord custom_id (100 characters) beside a prefix.
const TOKEN_BYTES = 16;

export function createConfirmations(db: Database): Confirmations {
  const insert = db.prepare(`INSERT INTO confirmations (token, command_line, platform, user_id, created_at, expires_at)
    VALUES (@token, @commandLine, @platform, @userId, @now, @expiresAt)`);
  const take = db.prepare<{ token: string; commandLine: string; now: number; platform: string; userId: string }>(
    `DELETE FROM confirmations WHERE token = @token AND command_line = @commandLine AND expires_at >= @now
       AND platform = @platform AND user_id = @userId`,
  );
  const find = db.prepare<[string], { expiresAt: number; platform: string; userId: string }>(
    "SELECT expires_at AS expiresAt, platform, user_id AS userId FROM confirmations WHERE token = ?",
  );
  const remove = db.prepare<[string]>("DELETE FROM confirmations WHERE token = ?");
  const owns = (row: { platform: string; userId: string }, by: Requester) => row.platform === by.platform && row.userId === by.userId;
  const purge = db.prepare<[number]>("DELETE FROM confirmations WHERE expires_at < ?");

  return {
    create({ commandLine, platform, userId, now, ttlMs }) {
      if (!(ttlMs > 0)) throw new RangeError(`ttlMs must be positive, got ${ttlMs}`);
      const token = randomBytes(TOKEN_BYTES).toString("base64url");
      insert.run({ token, commandLine, platform, userId, now, expiresAt: now + ttlMs });
      return token;
    },
    consume({ token, commandLine, now, by }) {
      // The DELETE is the claim: of two clicks, only the one that removes the row succeeds.
      return transaction(db, (): ConsumeResult => {
        if (take.run({ token, commandLine, now, platform: by.platform, userId: by.userId }).changes === 1) return "ok";
        const row = find.get(token);
        if (row === undefined) return "unknown";
        if (now > row.expiresAt) {
          remove.run(token);
          return "expired";
        }
        return owns(row, by) ? "mismatch" : "not_yours";
      });
    },
    cancel(token, by) {
      return transaction(db, () => {
        const row = find.get(token);
        if (row === undefined) return "unknown";
        if (!owns(row, by)) return "not_yours";
        remove.run(token);
        return "cancelled";
      });
    },
    purgeExpired(now) {
      return purge.run(now).changes;
    },
  };
}
