import { Cron } from "croner";

// Source schedules are croner patterns (5 fields, or 6 with seconds, or @hourly/@daily…), read in
// UTC like every time BanBot shows. Croner is only used to read patterns here; running jobs on
// them is the scheduler's (src/jobs/scheduler.ts).

/** List providers ask for restraint (Spamhaus: at most hourly); more often than this is a mistake. */
export const MIN_INTERVAL_MS = 5 * 60_000;
const SAMPLE_RUNS = 12;

/** Why the pattern cannot be a source schedule, or undefined when it can. */
export function scheduleProblem(pattern: string, now: number): string | undefined {
  let runs: Date[];
  try {
    runs = cronOf(pattern).nextRuns(SAMPLE_RUNS, new Date(now));
  } catch (err) {
    return `“${pattern.slice(0, 40)}” is not a cron schedule: ${(err as Error).message.replace(/^CronPattern: /, "")}`;
  }
  if (runs.length === 0) return `“${pattern}” never runs.`;
  for (let i = 1; i < runs.length; i++) {
    if (runs[i]!.getTime() - runs[i - 1]!.getTime() < MIN_INTERVAL_MS) {
      return `“${pattern}” runs more often than every ${MIN_INTERVAL_MS / 60_000} minutes; list providers block clients that poll that fast.`;
    }
  }
  return undefined;
}

/** The first run strictly after `after` (Unix ms); undefined when the pattern never runs again. */
export function nextRunAfter(pattern: string, after: number): number | undefined {
  return cronOf(pattern).nextRun(new Date(after))?.getTime();
}

function cronOf(pattern: string): Cron {
  // No callback: croner only computes dates and starts no timer.
  return new Cron(pattern, { timezone: "UTC", paused: true });
}
