import { Cron } from "croner";
import type { Logger } from "pino";
import { within } from "../core/deadline.js";
import { isUserError } from "../core/errors.js";
import type { InstanceLock } from "./instance-lock.js";

export interface Job {
  name: string;
  /** Croner pattern; six fields allow seconds. */
  schedule: string;
  run(): Promise<void>;
  /** Why this run should not happen now (a dependency known to be down); the job waits for its next tick. */
  holdReason?: () => string | undefined;
}

export interface JobStatus {
  name: string;
  schedule: string;
  runs: number;
  failures: number;
  lastRunAt?: number;
  lastError?: string;
  running: boolean;
}

export interface SchedulerOptions {
  log: Logger;
  lock: InstanceLock;
  now: () => number;
  /** How often the lease is renewed (and retaken when free). */
  heartbeatPattern?: string;
  /** Told about every run, for metrics. */
  onRun?: (name: string, error: string | undefined) => void;
}

/**
 * The only user of croner. Jobs never overlap themselves (croner's `protect`), errors are logged and
 * counted instead of escaping, and nothing runs unless this process holds the instance lock.
 */
export class Scheduler {
  private readonly jobs: Job[] = [];
  private readonly status = new Map<string, JobStatus>();
  private readonly crons: Cron[] = [];
  // undefined until the first check, so the first outcome is always logged.
  private holding: boolean | undefined;

  constructor(private readonly opts: SchedulerOptions) {}

  add(job: Job): void {
    this.jobs.push(job);
    this.status.set(job.name, { name: job.name, schedule: job.schedule, runs: 0, failures: 0, running: false });
  }

  /** Whether this process runs the jobs (holds the lock). */
  get active(): boolean {
    return this.holding === true;
  }

  /** Takes (or renews) the instance lock without starting the timers, for jobs run by hand with runNow. */
  claim(): boolean {
    this.heartbeat();
    return this.active;
  }

  start(): void {
    this.claim();
    this.crons.push(new Cron(this.opts.heartbeatPattern ?? "*/10 * * * * *", { protect: true }, () => this.heartbeat()));
    for (const job of this.jobs) {
      this.crons.push(new Cron(job.schedule, { protect: true }, () => this.runNow(job.name)));
    }
  }

  /** Runs one job now (if this process holds the lock); what the timers call, and tests too. */
  async runNow(name: string): Promise<void> {
    const job = this.jobs.find((j) => j.name === name);
    const status = this.status.get(name);
    if (!job || !status || this.holding !== true || status.running) return;
    const held = job.holdReason?.();
    if (held !== undefined) {
      this.opts.log.debug({ job: name, reason: held }, "job held");
      return;
    }
    status.running = true;
    status.lastRunAt = this.opts.now();
    try {
      await job.run();
      status.runs++;
      delete status.lastError;
      this.opts.onRun?.(name, undefined);
    } catch (err) {
      status.runs++;
      status.failures++;
      status.lastError = err instanceof Error ? err.message : String(err);
      this.opts.onRun?.(name, status.lastError);
      // A UserError is a condition someone has to fix outside BanBot (a source down, a socket gone),
      // already described in its message; anything else is a bug.
      if (isUserError(err)) this.opts.log.warn({ err, job: name }, "job failed");
      else this.opts.log.error({ err, job: name }, "job failed");
    } finally {
      status.running = false;
    }
  }

  jobStatus(): JobStatus[] {
    return [...this.status.values()].map((s) => ({ ...s }));
  }

  /**
   * Stops the timers and waits for running jobs, so shutdown does not cut one in half; then runs
   * `lastRuns` once more (the final alert delivery) while still holding the lock, and releases it.
   * All of it within `waitMs`: past that, shutdown goes on and the lock is released all the same.
   */
  async stop(lastRuns: readonly string[] = [], { waitMs = Number.POSITIVE_INFINITY } = {}): Promise<void> {
    const until = performance.now() + waitMs;
    for (const cron of this.crons.splice(0)) cron.stop();
    while ([...this.status.values()].some((s) => s.running) && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
    for (const name of lastRuns) {
      const left = until - performance.now();
      if (left <= 0 || !(await within(this.runNow(name), left)).done) {
        this.opts.log.warn({ job: name }, "shutdown did not wait for the last run");
        break;
      }
    }
    if (this.holding === true) this.opts.lock.release();
    this.holding = undefined;
  }

  private heartbeat(): void {
    const { lock, log, now } = this.opts;
    let held: boolean;
    try {
      held = lock.tryHold(now());
    } catch (err) {
      log.error({ err }, "instance lock check failed");
      held = false;
    }
    if (held !== this.holding) {
      if (held) log.info({ owner: lock.owner }, "this BanBot runs the background jobs");
      else {
        const other = lock.holder();
        log.warn(
          { holder: other?.owner },
          "another BanBot process holds the job lock for this data dir: this one answers commands but runs no jobs",
        );
      }
    }
    this.holding = held;
  }
}
