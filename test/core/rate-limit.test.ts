import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../src/core/rate-limit.js";

function setup(opts: { perMinute: number; maxKeys?: number }) {
  const clock = { t: 1_700_000_000_000 };
  const limiter = new RateLimiter({ ...opts, now: () => clock.t });
  const advance = (ms: number) => {
    clock.t += ms;
  };
  const takeMany = (key: string, n: number) => Array.from({ length: n }, () => limiter.take(key).ok);
  return { limiter, advance, clock, takeMany };
}

describe("RateLimiter", () => {
  it("allows a burst of perMinute, then refuses", () => {
    const { limiter, takeMany } = setup({ perMinute: 5 });
    expect(takeMany("slack:U1", 5)).toEqual([true, true, true, true, true]);
    expect(limiter.take("slack:U1")).toEqual({ ok: false, retryAfterMs: 12_000 });
  });

  it("keeps each key's bucket separate", () => {
    const { limiter, takeMany } = setup({ perMinute: 2 });
    expect(takeMany("a", 3)).toEqual([true, true, false]);
    expect(limiter.take("b")).toEqual({ ok: true });
  });

  it("refills one token per 60s/perMinute", () => {
    const { limiter, advance, takeMany } = setup({ perMinute: 30 });
    takeMany("k", 30);
    advance(1_999);
    expect(limiter.take("k")).toEqual({ ok: false, retryAfterMs: 1 });
    advance(1);
    expect(limiter.take("k")).toEqual({ ok: true });
    expect(limiter.take("k")).toEqual({ ok: false, retryAfterMs: 2_000 });
    advance(10_000);
    expect(takeMany("k", 6)).toEqual([true, true, true, true, true, false]);
  });

  it("never refills above the burst size", () => {
    const { advance, takeMany } = setup({ perMinute: 3 });
    takeMany("k", 3);
    advance(3_600_000);
    expect(takeMany("k", 4)).toEqual([true, true, true, false]);
  });

  it("counts refused attempts as nothing taken", () => {
    const { limiter, advance, takeMany } = setup({ perMinute: 1 });
    takeMany("k", 5);
    advance(30_000);
    expect(limiter.take("k")).toEqual({ ok: false, retryAfterMs: 30_000 });
    advance(30_000);
    expect(limiter.take("k")).toEqual({ ok: true });
  });

  it("does not drain buckets when the clock steps back", () => {
    const { limiter, advance, takeMany } = setup({ perMinute: 60 });
    takeMany("k", 60);
    advance(-5_000);
    expect(limiter.take("k")).toEqual({ ok: false, retryAfterMs: 1_000 });
    advance(6_000);
    expect(limiter.take("k")).toEqual({ ok: true });
    expect(limiter.take("k")).toEqual({ ok: false, retryAfterMs: 1_000 });
  });

  it("forgets the least recently used key beyond maxKeys", () => {
    const { limiter, takeMany } = setup({ perMinute: 1, maxKeys: 2 });
    takeMany("a", 1);
    takeMany("b", 1);
    takeMany("a", 1); // a is now the most recent
    takeMany("c", 1); // evicts b
    expect(limiter.size).toBe(2);
    expect(limiter.take("a").ok).toBe(false);
    expect(limiter.take("c").ok).toBe(false);
    expect(limiter.take("b").ok).toBe(true); // came back with a full bucket, evicting a
    expect(limiter.size).toBe(2);
    expect(limiter.take("a").ok).toBe(true);
  });

  it("prunes only keys whose buckets are full again", () => {
    const { limiter, advance, takeMany } = setup({ perMinute: 2 });
    takeMany("old", 2);
    advance(40_000);
    takeMany("new", 1);
    advance(19_999);
    expect(limiter.prune()).toBe(0);
    advance(1); // "old" refilled 2 tokens in 60s; "new" is still 10s short of its one
    expect(limiter.prune()).toBe(1);
    expect(limiter.size).toBe(1);
    expect(limiter.take("new")).toEqual({ ok: true });
    advance(60_000);
    expect(limiter.prune()).toBe(1);
    expect(limiter.size).toBe(0);
  });

  it("rejects a non-positive rate", () => {
    expect(() => new RateLimiter({ perMinute: 0, now: () => 0 })).toThrow(RangeError);
    expect(() => new RateLimiter({ perMinute: 1, maxKeys: 0, now: () => 0 })).toThrow(RangeError);
  });
});
