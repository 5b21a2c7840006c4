import type { Platform } from "../platforms.js";

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

export interface AuditFilter {
  userId?: string;
  /** Unix milliseconds: only entries at or after it. */
  since?: number;
}

export interface AuditQuery extends AuditFilter {
  limit: number;
  /** For the next page: only entries older than this row. */
  beforeId?: number;
  /** For the previous page: the `limit` entries just newer than this row (still newest first). */
  afterId?: number;
}

export interface AuditLog {
  record(entry: AuditEntry): void;
  /** Newest first. */
  query(query: AuditQuery): AuditRow[];
  /** How many entries match, counting no further than `cap`; with `newerThanId`, only those newer than that row. */
  count(filter: AuditFilter & { newerThanId?: number }, cap: number): number;
}
