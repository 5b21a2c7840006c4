import type { Database } from "better-sqlite3";
import type { LockHolder, JobRuns } from "../core/ports/job-runs.js";

/** Reads the instance lock's row: the lease InstanceLock (src/jobs/instance-lock.ts) takes and renews. */
export function lockHolderReader(db: Database): () => LockHolder | undefined {
  const read = db.prepare<[], { owner: string; acquired_at: number; heartbeat_at: number }>(
    "SELECT owner, acquired_at, heartbeat_at FROM instance_lock WHERE id = 1",
  );
  return () => {
    const row = read.get();
    return row && { owner: row.owner, acquiredAt: row.acquired_at, heartbeatAt: row.heartbeat_at };
  };
}

export function createJobRuns(db: Database): JobRuns {
  const upsert = db.prepare(
    `INSERT INTO job_runs (name, last_run_at, ok, last_error, runs, failures) VALUES (@name, @at, @ok, @error, 1, @failed)
     ON CONFLICT (name) DO UPDATE SET last_run_at = @at, ok = @ok, last_error = @error, runs = runs + 1, failures = failures + @failed`,
  );
  const all = db.prepare<[], { name: string; last_run_at: number; ok: number; last_error: string | null; runs: number; failures: number }>(
    "SELECT name, last_run_at, ok, last_error, runs, failures FROM job_runs ORDER BY name",
  );
  return {
    record: (name, at, error) => void upsert.run({ name, at, ok: error === undefined ? 1 : 0, error: error?.slice(0, 300) ?? null, failed: error === undefined ? 0 : 1 }),
    list: () =>
      all.all().map((r) => ({ name: r.name, lastRunAt: r.last_run_at, ok: r.ok === 1, lastError: r.last_error ?? undefined, runs: r.runs, failures: r.failures })),
    holder: lockHolderReader(db),
  };
}
