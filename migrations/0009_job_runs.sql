-- The last run of each background job, written by the process that runs them, so `status` in any
-- BanBot process (console, exec, chat) can say what the jobs did.
CREATE TABLE job_runs (
  name TEXT PRIMARY KEY,
  last_run_at INTEGER NOT NULL, -- Unix ms
  ok INTEGER NOT NULL,          -- 1 when the last run succeeded
  last_error TEXT,
  runs INTEGER NOT NULL,
  failures INTEGER NOT NULL
);
