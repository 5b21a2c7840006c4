import type { Database } from "better-sqlite3";
import { transaction } from "../db/transaction.js";
import type { RunOutcome, RunTrigger, Run, BlocklistRuns } from "../core/ports/blocklist-runs.js";

/** Runs kept per source; older ones are dropped as new ones start. */
const KEEP = 50;

interface Row {
  id: number;
  source_id: number;
  started_at: number;
  trigger: RunTrigger;
  outcome: RunOutcome;
  bytes: number;
  fetched: number;
  valid: number;
  invalid: number;
  invalid_sample: string | null;
  duplicates: number;
  skipped: number;
  skipped_detail: string | null;
  added: number;
  renewed: number;
  removed: number;
  unchanged: number;
  duration_ms: number | null;
  error: string | null;
}

const fromRow = (r: Row): Run => ({
  id: r.id,
  sourceId: r.source_id,
  startedAt: r.started_at,
  trigger: r.trigger,
  outcome: r.outcome,
  bytes: r.bytes,
  fetched: r.fetched,
  valid: r.valid,
  invalid: r.invalid,
  invalidSample: r.invalid_sample ? (JSON.parse(r.invalid_sample) as string[]) : [],
  duplicates: r.duplicates,
  skipped: r.skipped,
  skippedDetail: r.skipped_detail ? (JSON.parse(r.skipped_detail) as Record<string, number>) : {},
  added: r.added,
  renewed: r.renewed,
  removed: r.removed,
  unchanged: r.unchanged,
  durationMs: r.duration_ms ?? undefined,
  error: r.error ?? undefined,
});

export function createBlocklistRuns(db: Database): BlocklistRuns {
  const interrupt = db.prepare<[number]>("UPDATE blocklist_runs SET outcome = 'interrupted' WHERE source_id = ? AND outcome = 'running'");
  const insert = db.prepare<[number, number, RunTrigger]>("INSERT INTO blocklist_runs (source_id, started_at, trigger, outcome) VALUES (?, ?, ?, 'running')");
  const prune = db.prepare<[number, number, number]>(
    "DELETE FROM blocklist_runs WHERE source_id = ? AND id NOT IN (SELECT id FROM blocklist_runs WHERE source_id = ? ORDER BY id DESC LIMIT ?)",
  );
  const finish = db.prepare(`UPDATE blocklist_runs SET outcome = @outcome, bytes = @bytes, fetched = @fetched, valid = @valid,
    invalid = @invalid, invalid_sample = @invalidSample, duplicates = @duplicates, skipped = @skipped, skipped_detail = @skippedDetail, added = @added,
    renewed = @renewed, removed = @removed, unchanged = @unchanged, duration_ms = @durationMs, error = @error WHERE id = @id`);
  const recent = db.prepare<[number, number], Row>("SELECT * FROM blocklist_runs WHERE source_id = ? ORDER BY id DESC LIMIT ?");

  return {
    start(sourceId, at, trigger) {
      return transaction(db, () => {
        interrupt.run(sourceId);
        const id = Number(insert.run(sourceId, at, trigger).lastInsertRowid);
        prune.run(sourceId, sourceId, KEEP);
        return id;
      });
    },
    finish(id, outcome, counts, durationMs, error) {
      finish.run({
        id,
        outcome,
        ...counts,
        invalidSample: JSON.stringify(counts.invalidSample),
        skippedDetail: JSON.stringify(counts.skippedDetail),
        durationMs,
        error: error ?? null,
      });
    },
    recent(sourceId, limit) {
      return recent.all(sourceId, limit).map(fromRow);
    },
  };
}
