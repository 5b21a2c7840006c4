import type { Logger } from "pino";

/** A "working on it" message that later updates replace, shown through a response_url. */
export interface ProgressNote {
  /** Shows or replaces the note; returns at once, sends happen in order. An empty status only shows it. */
  update(status: string): void;
  /** No more updates: waits for sends in flight and says whether a note is showing. */
  settle(): Promise<boolean>;
}

/** The clock and timer progress runs on: real ones in the adapter, a manual one in tests. */
export interface ProgressTimer {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Calls `fn` after `ms`; returns what cancels it. */
  after(ms: number, fn: () => void): () => void;
}

export const REAL_TIMER: ProgressTimer = {
  now: () => performance.now(),
  after: (ms, fn) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

export interface ProgressNoteOptions {
  /** `shown`: an earlier note is showing, for this one to replace. */
  send: (status: string, shown: boolean) => Promise<unknown>;
  /**
   * Slack takes at most five messages per response_url, so progress gets a share and the result
   * keeps the rest. Updates beyond it are dropped; the result replaces the note anyway.
   */
  maxSends: number;
  /** Updates in between are merged: only the latest is sent. */
  minIntervalMs: number;
  log: Logger;
  timer?: ProgressTimer;
}

export function createProgressNote(opts: ProgressNoteOptions): ProgressNote {
  const clock = opts.timer ?? REAL_TIMER;
  let sends = 0;
  let lastAt = Number.NEGATIVE_INFINITY;
  let pending: string | undefined;
  let cancel: (() => void) | undefined;
  let chain: Promise<void> = Promise.resolve();
  let shown = false;
  let settled = false;
  const flush = () => {
    cancel = undefined;
    if (pending === undefined || settled) return;
    const status = pending;
    pending = undefined;
    sends++;
    lastAt = clock.now();
    chain = chain.then(async () => {
      try {
        await opts.send(status, shown);
        shown = true;
      } catch (err) {
        // Not worth losing the result over.
        opts.log.warn({ err }, "could not show progress");
      }
    });
  };
  return {
    update(status) {
      if (settled || sends >= opts.maxSends) return;
      // "Working on it" must not replace a real status that came first.
      if (status === "" && (sends > 0 || pending !== undefined)) return;
      pending = status;
      const wait = lastAt + opts.minIntervalMs - clock.now();
      if (wait <= 0) flush();
      else cancel ??= clock.after(wait, flush);
    },
    async settle() {
      settled = true;
      cancel?.();
      await chain;
      return shown;
    },
  };
}

/**
 * Runs `work`, passing it the note's update for its own progress; if it is still running after
 * `afterMs`, the note appears (empty status: "working on it"). Without `afterMs` (a surface that
 * cannot show progress) nothing is shown. The note is settled before returning, so it can never
 * arrive after the result it announces.
 */
export async function runWithProgress<T>(
  work: (progress: ((status: string) => void) | undefined) => Promise<T>,
  note: ProgressNote,
  afterMs: number | undefined,
  timer: ProgressTimer = REAL_TIMER,
): Promise<{ value: T; progressShown: boolean }> {
  if (afterMs === undefined) return { value: await work(undefined), progressShown: false };
  const cancel = timer.after(afterMs, () => note.update(""));
  let value: T;
  let progressShown: boolean;
  try {
    value = await work((status) => note.update(status));
  } finally {
    cancel();
    progressShown = await note.settle();
  }
  return { value, progressShown };
}
