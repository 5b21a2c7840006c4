import type { Database } from "better-sqlite3";
import type { Platform } from "../core/platforms.js";
import { truncate } from "../core/text.js";
import type { AuditOutcome, AuditRow, AuditFilter, AuditLog } from "../core/ports/audit-log.js";

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
  // A user of "" matches everyone: one statement per shape instead of two.
  const WHERE = "(@userId = '' OR user_id = @userId) AND at >= @since AND id < @beforeId AND id > @afterId";
  type Params = { userId: string; since: number; beforeId: number; afterId: number };
  const older = db.prepare<Params & { limit: number }, Columns>(`${SELECT} WHERE ${WHERE} ORDER BY id DESC LIMIT @limit`);
  const newer = db.prepare<Params & { limit: number }, Columns>(`${SELECT} WHERE ${WHERE} ORDER BY id ASC LIMIT @limit`);
  const counted = db.prepare<Params & { cap: number }, { n: number }>(`SELECT count(*) AS n FROM (SELECT 1 FROM audit WHERE ${WHERE} LIMIT @cap)`);
  const params = (filter: AuditFilter, edges: { beforeId?: number; afterId?: number }): Params => ({
    userId: filter.userId ?? "",
    since: filter.since ?? Number.MIN_SAFE_INTEGER,
    beforeId: edges.beforeId ?? Number.MAX_SAFE_INTEGER,
    afterId: edges.afterId ?? 0,
  });

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
    query({ limit, beforeId, afterId, ...filter }) {
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
      const p = { ...params(filter, { beforeId, afterId }), limit };
      // The page just newer than a row is read upwards from it, then shown newest first like the rest.
      return afterId === undefined ? older.all(p).map(toRow) : newer.all(p).reverse().map(toRow);
    },
    count({ newerThanId, ...filter }, cap) {
      return counted.get({ ...params(filter, { afterId: newerThanId }), cap })!.n;
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
