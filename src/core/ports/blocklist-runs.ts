export type RunOutcome = "running" | "ok" | "unchanged" | "failed" | "interrupted";

export type RunTrigger = "manual" | "schedule";

export interface RunCounts {
  bytes: number;
  fetched: number;
  valid: number;
  invalid: number;
  invalidSample: string[];
  /** Lines repeating an entry listed before; fetched = valid + invalid + duplicates. */
  duplicates: number;
  skipped: number;
  skippedDetail: Record<string, number>;
  added: number;
  renewed: number;
  removed: number;
  unchanged: number;
}

export interface Run extends RunCounts {
  id: number;
  sourceId: number;
  startedAt: number;
  trigger: RunTrigger;
  outcome: RunOutcome;
  durationMs: number | undefined;
  error: string | undefined;
}

export interface BlocklistRuns {
  /** Marks runs of this source left `running` by a crash as interrupted, then opens a new one. */
  start(sourceId: number, at: number, trigger: RunTrigger): number;
  finish(runId: number, outcome: Exclude<RunOutcome, "running">, counts: RunCounts, durationMs: number, error?: string): void;
  /** Newest first. */
  recent(sourceId: number, limit: number): Run[];
}
