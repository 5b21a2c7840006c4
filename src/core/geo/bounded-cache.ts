interface Slot<V> {
  value: V;
  used: boolean;
}

/**
 * A map of at most `max` entries that evicts the least recently used ones, approximately: the
 * "second chance" (CLOCK) algorithm over a Map's insertion order. A hit only sets a flag, no
 * reordering, because the cached geo lookup is measured against the raw reader; an insert into a
 * full map drops the oldest entry not used since it was last passed over.
 */
export class BoundedCache<K, V> {
  private readonly slots = new Map<K, Slot<V>>();

  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`cache size must be a positive integer, got ${max}`);
  }

  get(key: K): V | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    slot.used = true;
    return slot.value;
  }

  /** A new value is not a use: an entry replaced keeps its place but not its second chance. */
  set(key: K, value: V): void {
    // One lookup fewer for the common case, a new key in a cache not yet full (every cold geo lookup).
    if (this.slots.size >= this.max && !this.slots.has(key)) this.evictOne();
    this.slots.set(key, { value, used: false });
  }

  clear(): void {
    this.slots.clear();
  }

  get size(): number {
    return this.slots.size;
  }

  private evictOne(): void {
    for (const [key, slot] of this.slots) {
      this.slots.delete(key);
      if (!slot.used) return;
      // Used since the last pass: moves to the back, flag cleared.
      slot.used = false;
      this.slots.set(key, slot);
    }
  }
}
