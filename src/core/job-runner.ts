import type { JobRuns, LockHolder } from "./ports/job-runs.js";

// The process running the jobs renews its lock every 10 s; a heartbeat older than this means none does.
const STALE_MS = 60_000;

/** The BanBot process running the background jobs now (timed bans, alerts, imports), if any. */
export function liveJobRunner(jobs: Pick<JobRuns, "holder">, now: number): LockHolder | undefined {
  const holder = jobs.holder();
  return holder && now - holder.heartbeatAt < STALE_MS ? holder : undefined;
}
