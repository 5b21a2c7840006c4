import { Cron } from "croner";
import type { Logger } from "pino";
import { within } from "../core/deadline.js";
import { isUserError } from "../core/errors.js";
import { isStoreBusy } from "../core/store-busy.js";
import type { InstanceLock } from "../store/instance-lock.js";

export interface Job {
  name: string;
  /** Croner pattern; six fields allow seconds. */
  schedule: string;
  run(): Promise<void>;
  /** Why this run should not happen now (a dependency known to be down); the job waits for its next tick. */
  holdReason?: () => string | undefined;
  /** A subscription the job keeps while the jobs run (see Scheduler.follow); returns the unsubscribe. */
  follow?: () => () => void;
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
  /** Told about every run, for metrics and the store's record of runs. */
  onRun?: (name: string, error: string | undefined) => void;
  /** Whether BanBot's store takes writes now; while it does not, jobs and the lease wait for their next tick. */
  storeWritable?: () => boolean;
}

/**
 * The only user of croner. Jobs never overlap themselves (croner's `protect`), errors are logged and
 * counted instead of escaping, and nothing runs unless this process holds the instance lock.
 */
export class Scheduler {
  private readonly jobs: Job[] = [];
  private readonly status = new Map<string, JobStatus>();
  private readonly crons: Cron[] = [];
  private readonly follows: (() => () => void)[] = [];
  private unfollows: (() => void)[] = [];
  // undefined until the first check, so the first outcome is always logged.
  private holding: boolean | undefined;
  private storeLocked = false;

  constructor(private readonly opts: SchedulerOptions) {}

  /** A subscription kept while the jobs run (start subscribes, stop unsubscribes). */
  follow(subscribe: () => () => void): void {
    this.follows.push(subscribe);
  }

  add(job: Job): void {
    this.jobs.push(job);
    if (job.follow) this.follow(job.follow);
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
    this.unfollows = this.follows.map((subscribe) => subscribe());
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
    if (!this.storeTakesWrites()) return;
    status.running = true;
    status.lastRunAt = this.opts.now();
    let error: string | undefined;
    try {
      await job.run();
      delete status.lastError;
    } catch (err) {
      status.failures++;
      error = status.lastError = err instanceof Error ? err.message : String(err);
      // A UserError is a condition someone has to fix outside BanBot (a source down, a socket gone),
      // already described in its message, and so is a store another process keeps locked; anything
      // else is a bug. Either way the job runs again at its next tick.
      if (isUserError(err) || isStoreBusy(err)) this.opts.log.warn({ err, job: name }, "job failed");
      else this.opts.log.error({ err, job: name }, "job failed");
    } finally {
      status.runs++;
      status.running = false;
    }
    try {
      this.opts.onRun?.(name, error);
    } catch (err) {
      // Recording is bookkeeping: losing one record must never take the process down.
      this.opts.log.warn({ err, job: name }, "could not record a job run");
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
    for (const unsubscribe of this.unfollows.splice(0)) unsubscribe();
    while ([...this.status.values()].some((s) => s.running) && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
    for (const name of lastRuns) {
      const left = until - performance.now();
      if (left <= 0 || !(await within(this.runNow(name), left)).done) {
        this.opts.log.warn({ job: name }, "shutdown did not wait for the last run");
        break;
      }
    }
    try {
      if (this.holding === true) this.opts.lock.release();
    } catch (err) {
      // A lease left behind goes stale within a minute; a shutdown must not fail over it.
      this.opts.log.warn({ err }, "could not release the job lock");
    }
    this.holding = undefined;
  }

  /** False (and says so, once) while another process holds the store's write lock. */
  private storeTakesWrites(): boolean {
    const writable = this.opts.storeWritable?.() ?? true;
    if (writable === this.storeLocked) {
      this.storeLocked = !writable;
      if (this.storeLocked) this.opts.log.warn("BanBot's store is locked by another process: background jobs wait until it is released");
      else this.opts.log.info("BanBot's store takes writes again: background jobs resume");
    }
    return writable;
  }

  private heartbeat(): void {
    const { lock, log, now } = this.opts;
    // A lease that cannot be renewed now is still ours until it goes stale; nobody else can take it
    // while the store is locked either.
    if (!this.storeTakesWrites()) return;
    let held: boolean;
    try {
      held = lock.tryHold(now());
    } catch (err) {
      if (isStoreBusy(err)) return log.warn({ err }, "instance lock not renewed: the store is locked");
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
