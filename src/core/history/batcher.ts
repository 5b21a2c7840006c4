export interface BatcherOptions<T> {
  maxItems: number;
  maxDelayMs: number;
  /**
   * Hands a batch on; resolves to how many items it took, in order (all of them when undefined).
   * Fewer means the rest cannot be taken now (BanBot's store is locked): they are kept, ahead of
   * newer items, and offered again after a while.
   */
  flush: (items: T[]) => Promise<number | void>;
  /** A flush threw: its items are dropped. */
  onError: (err: unknown, items: number) => void;
  /** Called after each flush with the number of items still queued. */
  onFlushed?: (pending: number) => void;
  /** Items started being held back (`held` of them), or were all taken again (`held` 0). */
  onHeld?: (held: number) => void;
  /** First wait before offering held items again, doubled up to maxRetryDelayMs. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

/**
 * Collects items and hands them on in batches of at most `maxItems`: when that many are waiting or
 * `maxDelayMs` after the first one, whichever comes first. Flushes never overlap, so a slow one
 * makes the next batch larger instead of running concurrently. A batch the flush could not take
 * whole is kept and retried, never blocking anything meanwhile; a failed flush is reported and its
 * items dropped.
 */
export class Batcher<T> {
  private waiting: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private inFlight = 0;
  // While items are held back: how long until they are offered again.
  private retryMs: number | undefined;
  private stopping = false;

  constructor(private readonly opts: BatcherOptions<T>) {}

  /** Items queued, held back or being written. */
  get pending(): number {
    return this.waiting.length + this.inFlight;
  }

  /** Items the flush could not take yet. */
  get held(): boolean {
    return this.retryMs !== undefined;
  }

  add(item: T): void {
    this.waiting.push(item);
    // While items are held back, the retry timer decides when the next attempt is.
    if (this.held) return;
    if (this.waiting.length >= this.opts.maxItems) this.flushNow();
    else this.timer ??= setTimeout(() => this.flushNow(), this.opts.maxDelayMs);
  }

  /**
   * Flushes what is waiting and resolves once every flush so far has finished. Items still held
   * back after one more attempt are returned, for the caller to account for: draining is for
   * shutdown, which does not wait for a lock to go.
   */
  async drain(): Promise<T[]> {
    this.stopping = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.waiting.length > 0) {
      const before = this.waiting.length;
      this.flushNow();
      await this.chain;
      if (this.waiting.length >= before) break;
    }
    await this.chain;
    return this.waiting.splice(0);
  }

  private flushNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waiting.length === 0) return;
    const items = this.waiting.splice(0, this.opts.maxItems);
    this.inFlight += items.length;
    this.chain = this.chain.then(async () => {
      let kept: T[] = [];
      try {
        const taken = (await this.opts.flush(items)) ?? items.length;
        kept = items.slice(taken);
      } catch (err) {
        this.opts.onError(err, items.length);
      } finally {
        this.inFlight -= items.length;
      }
      this.waiting.unshift(...kept);
      this.afterFlush(kept.length > 0);
      this.opts.onFlushed?.(this.pending);
    });
  }

  private afterFlush(heldBack: boolean): void {
    if (heldBack) {
      if (this.retryMs === undefined) this.opts.onHeld?.(this.waiting.length);
      const base = this.opts.retryDelayMs ?? 250;
      this.retryMs = this.retryMs === undefined ? base : Math.min(this.retryMs * 2, this.opts.maxRetryDelayMs ?? 2_000);
      if (!this.stopping) this.timer = setTimeout(() => this.flushNow(), this.retryMs);
      return;
    }
    if (this.retryMs !== undefined) {
      this.retryMs = undefined;
      this.opts.onHeld?.(0);
    }
    if (this.stopping || this.waiting.length === 0) return;
    // More than one batch was waiting (held back, or a burst): the next goes at once.
    if (this.waiting.length >= this.opts.maxItems) this.flushNow();
    else this.timer ??= setTimeout(() => this.flushNow(), this.opts.maxDelayMs);
  }
}
