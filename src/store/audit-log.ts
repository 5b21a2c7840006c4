import type { Database } from "better-sqlite3";
import type { Platform } from "../core/identity.js";
import { truncate } from "../core/text.js";

export type AuditOutcome = "ok" | "refused" | "error" | "confirm" | "expired" | "cancelled";

export interface AuditEntry {
  /** Unix milliseconds, when the command started. */
  at: number;
  host: string;
  /** `system` for changes BanBot's jobs make on their own (scheduled imports). */
  platform: Platform | "system";
  userId: string;
  userName?: string;
  channelId?: string;
  command: string;
  commandLine: string;
  outcome: AuditOutcome;
  /** The user-facing result or an incident id; cut to 500 characters. */
  message?: string;
  durationMs: number;
}

export interface AuditRow extends AuditEntry {
  id: number;
}

export interface AuditQuery {
  userId?: string;
  /** Unix milliseconds: only entries at or after it. */
  since?: number;
  limit: number;
  /** For the next page: only entries older than this row. */
  beforeId?: number;
}

export interface AuditLog {
  record(entry: AuditEntry): void;
  /** Newest first. */
  query(query: AuditQuery): AuditRow[];
}

const MAX_MESSAGE = 500;

interface Columns {
  id: number;
  at: number;
  host: string;
  platform: Platform | "system";
  userId: string;
  userName: string | null;
  channelId: string | null;
  command: string;
  commandLine: string;
  outcome: AuditOutcome;
  message: string | null;
  durationMs: number;
}

const SELECT = `SELECT id, at, host, platform, user_id AS userId, user_name AS userName, channel_id AS channelId,
  command, command_line AS commandLine, outcome, message, duration_ms AS durationMs FROM audit`;

export function createAuditLog(db: Database): AuditLog {
  const insert = db.prepare(`INSERT INTO audit
    (at, host, platform, user_id, user_name, channel_id, command, command_line, outcome, message, duration_ms)
    VALUES (@at, @host, @platform, @userId, @userName, @channelId, @command, @commandLine, @outcome, @message, @durationMs)`);
  // Paging by id, not by `at`: ids never repeat, so a page boundary never skips or repeats a row.
  const all = db.prepare<{ since: number; beforeId: number; limit: number }, Columns>(
    `${SELECT} WHERE at >= @since AND id < @beforeId ORDER BY id DESC LIMIT @limit`,
  );
  const byUser = db.prepare<{ userId: string; since: number; beforeId: number; limit: number }, Columns>(
    `${SELECT} WHERE user_id = @userId AND at >= @since AND id < @beforeId ORDER BY id DESC LIMIT @limit`,
  );

  return {
    record(entry) {
      insert.run({
        at: entry.at,
        host: entry.host,
        platform: entry.platform,
        userId: entry.userId,
        userName: entry.userName ?? null,
        channelId: entry.channelId ?? null,
        command: entry.command,
        commandLine: entry.commandLine,
        outcome: entry.outcome,
        message: entry.message === undefined ? null : truncate(entry.message, MAX_MESSAGE),
        durationMs: entry.durationMs,
      });
    },
    query({ userId, since = Number.MIN_SAFE_INTEGER, limit, beforeId = Number.MAX_SAFE_INTEGER }) {
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
      const rows =
        userId === undefined ? all.all({ since, beforeId, limit }) : byUser.all({ userId, since, beforeId, limit });
      return rows.map(toRow);
    },
  };
}

function toRow({ userName, channelId, message, ...rest }: Columns): AuditRow {
  return {
    ...rest,
    ...(userName === null ? {} : { userName }),
    ...(channelId === null ? {} : { channelId }),
    ...(message === null ? {} : { message }),
  };
}
