import { describe, expect, it } from "vitest";
import { ActionKeys } from "../../../src/adapters/discord/action-keys.js";
import { TestClock } from "../../harness/banbot.js";

describe("ActionKeys", () => {
  const long = `banned sshd "${"a".repeat(80)}" after 9007199254740991_2001:db8::1`;

  it("GIVEN a command that fits THEN carries it as itself, with nothing stored", () => {
    const keys = new ActionKeys({ ttlMs: 1000, cap: 10, clock: new TestClock() });
    expect(keys.ref("unban 192.0.2.1 sshd", 97)).toBe("=unban 192.0.2.1 sshd");
    expect(keys.resolve("=unban 192.0.2.1 sshd")).toEqual({ command: "unban 192.0.2.1 sshd" });
    expect(keys.size).toBe(0);
  });

  it("GIVEN a longer command THEN stores it under a short key until the TTL", () => {
    const clock = new TestClock();
    const keys = new ActionKeys({ ttlMs: 1000, cap: 10, clock });
    const ref = keys.ref(long, 97);
    expect(ref).toMatch(/^#[\w-]{12}$/);
    expect(keys.resolve(ref)).toEqual({ command: long });
    clock.advance(1001);
    expect(keys.resolve(ref)).toEqual({ expired: true });
  });

  it("GIVEN more keys than the cap THEN forgets the oldest", () => {
    const keys = new ActionKeys({ ttlMs: 60_000, cap: 3, clock: new TestClock() });
    const refs = Array.from({ length: 5 }, (_, i) => keys.ref(`${long} ${i}`, 97));
    expect(keys.size).toBe(3);
    expect(refs.map((r) => keys.resolve(r))).toEqual([{ expired: true }, { expired: true }, { command: `${long} 2` }, { command: `${long} 3` }, { command: `${long} 4` }]);
  });

  it("GIVEN a reference in no known form THEN does not resolve it", () => {
    expect(new ActionKeys({ ttlMs: 1, cap: 1, clock: new TestClock() }).resolve("unban 1.2.3.4")).toBeUndefined();
  });
});
