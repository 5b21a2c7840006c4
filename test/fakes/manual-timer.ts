import type { ProgressTimer } from "../../src/adapters/slack/progress.js";

/** Time that moves only when a test says so: `advance` runs what came due, in order. */
export class ManualTimer implements ProgressTimer {
  private at = 0;
  private readonly due: { at: number; seq: number; fn: () => void }[] = [];
  private seq = 0;

  now(): number {
    return this.at;
  }

  after(ms: number, fn: () => void): () => void {
    const entry = { at: this.at + Math.max(0, ms), seq: this.seq++, fn };
    this.due.push(entry);
    return () => {
      const i = this.due.indexOf(entry);
      if (i >= 0) this.due.splice(i, 1);
    };
  }

  /** Resolves after `ms` of this timer's time. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  /** Moves time on by `ms`, running each callback at its time and letting promises it settles run before the next. */
  async advance(ms: number): Promise<void> {
    const until = this.at + ms;
    for (;;) {
      await settle();
      const next = this.due.filter((e) => e.at <= until).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.due.splice(this.due.indexOf(next), 1);
      this.at = next.at;
      next.fn();
    }
    this.at = until;
    await settle();
  }
}

// Lets every pending promise continuation run (I/O-free work only).
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
