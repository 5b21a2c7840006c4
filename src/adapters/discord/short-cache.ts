import type { Clock } from "../../core/services.js";
import { within } from "../../core/deadline.js";

/**
 * Values that may be a few seconds old, loaded once however many ask at the same time, and never
 * waited for longer than a caller allows: Discord drops an autocomplete answer after 3 seconds, so
 * a slow load is left to finish in the background and fill the cache for the next keystroke.
 */
export class ShortCache<T> {
  private readonly values = new Map<string, { value: T; at: number }>();
  private readonly loading = new Map<string, Promise<T>>();

  constructor(private readonly opts: { ttlMs: number; clock: Clock; onError: (err: unknown, key: string) => void }) {}

  async get(key: string, load: () => Promise<T>, waitMs: number): Promise<T | undefined> {
    const cached = this.values.get(key);
    if (cached && this.opts.clock.now() - cached.at < this.opts.ttlMs) return cached.value;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = load()
        .then((value) => {
          this.values.set(key, { value, at: this.opts.clock.now() });
          return value;
        })
        .finally(() => this.loading.delete(key));
      // Whoever stops waiting, the load's failure is still reported once.
      pending.catch((err: unknown) => this.opts.onError(err, key));
      this.loading.set(key, pending);
    }
    try {
      const raced = await within(pending, waitMs);
      return raced.done ? raced.value : cached?.value;
    } catch {
      return cached?.value;
    }
  }
}
