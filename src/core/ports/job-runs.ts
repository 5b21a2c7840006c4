export interface JobRun {
  name: string;
  lastRunAt: number;
  ok: boolean;
  lastError?: string;
  runs: number;
  failures: number;
}

export interface LockHolder {
  owner: string;
  acquiredAt: number;
  heartbeatAt: number;
}

export interface JobRuns {
  record(name: string, at: number, error?: string): void;
  list(): JobRun[];
  /** Who runs the jobs now: the instance lock's holder and its last heartbeat. */
  holder(): LockHolder | undefined;
}
