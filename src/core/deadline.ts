/** Outcome of waiting a bounded time for work that keeps running afterwards. */
export type Raced<T> = { done: true; value: T } | { done: false };

/**
 * Waits for `work` at most `ms`. The timer is cleared either way, so a finished race never holds
 * the process open; a rejection of `work` propagates only if it happens within the wait.
 */
export async function within<T>(work: Promise<T>, ms: number): Promise<Raced<T>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Raced<T>>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), ms);
  });
  try {
    return await Promise.race([work.then((value): Raced<T> => ({ done: true, value })), late]);
  } finally {
    clearTimeout(timer);
  }
}
