/**
 * Collects items and hands them on in batches: when `maxItems` are waiting or `maxDelayMs` after the
 * first one, whichever comes first. Flushes never overlap, so a slow one makes the next batch larger
 * instead of running concurrently; a failed flush is reported and its items dropped.
 */
export class Batcher<T> {
  private waiting: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private inFlight = 0;

  constructor(
    private readonly opts: {
      maxItems: number;
      maxDelayMs: number;
      flush: (items: T[]) => Promise<void>;
      onError: (err: unknown, items: number) => void;
      /** Called after each flush with the number of items still queued. */
      onFlushed?: (pending: number) => void;
    },
  ) {}

  /** Items queued or being written. */
  get pending(): number {
    return this.waiting.length + this.inFlight;
  }

  add(item: T): void {
    this.waiting.push(item);
    if (this.waiting.length >= this.opts.maxItems) this.flushNow();
    else this.timer ??= setTimeout(() => this.flushNow(), this.opts.maxDelayMs);
  }

  /** Flushes what is waiting and resolves once every flush so far has finished. */
  async drain(): Promise<void> {
    this.flushNow();
    await this.chain;
  }

  private flushNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waiting.length === 0) return;
    const items = this.waiting;
    this.waiting = [];
    this.inFlight += items.length;
    this.chain = this.chain.then(async () => {
      try {
        await this.opts.flush(items);
      } catch (err) {
        this.opts.onError(err, items.length);
      } finally {
        this.inFlight -= items.length;
        this.opts.onFlushed?.(this.pending);
      }
    });
  }
}
