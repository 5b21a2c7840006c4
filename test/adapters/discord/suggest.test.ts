import { describe, expect, it } from "vitest";
import { rank, Suggestions } from "../../../src/adapters/discord/suggest.js";
import type { Fail2ban } from "../../../src/core/ports/fail2ban.js";
import { TestClock } from "../../harness/banbot.js";

/** fail2ban as autocomplete sees it, with answers that can be held back to play a slow server. */
class FakeJails implements Pick<Fail2ban, "status" | "bannedIps" | "banned"> {
  calls = 0;
  gate: Promise<void> = Promise.resolve();
  constructor(readonly bans: Record<string, string[]>) {}
  async status() {
    this.calls++;
    await this.gate;
    return { jails: Object.keys(this.bans) };
  }
  async bannedIps(jail: string) {
    this.calls++;
    await this.gate;
    const ips = this.bans[jail];
    if (!ips) throw new Error(`no jail ${jail}`);
    return ips;
  }
  async banned() {
    this.calls++;
    await this.gate;
    return new Map(Object.entries(this.bans));
  }
}

describe("rank", () => {
  it.each([
    ["", ["sshd", "nginx", "apache-auth"], ["apache-auth", "nginx", "sshd"]],
    ["ng", ["sshd", "nginx", "apache-ng"], ["nginx", "apache-ng"]],
    ["SSH", ["sshd", "openssh"], ["sshd", "openssh"]],
    ["192.0.2.", ["192.0.2.10", "10.192.0.2.1", "192.0.2.9", "203.0.113.1"], ["192.0.2.9", "192.0.2.10", "10.192.0.2.1"]],
  ])("GIVEN %j typed THEN orders %j as %j", (typed, candidates, expected) => {
    expect(rank(candidates, typed)).toEqual(expected);
  });
});

describe("Suggestions", () => {
  const make = (fake: FakeJails, clock = new TestClock()) =>
    new Suggestions({ fail2ban: fake, clock, ttlMs: 5000, waitMs: 50, onError: () => undefined });

  it("GIVEN a chosen jail THEN suggests that jail's banned addresses starting with what was typed", async () => {
    const suggestions = make(new FakeJails({ sshd: ["192.0.2.1", "198.51.100.2", "192.0.2.3"], web: ["192.0.2.99"] }));
    expect(await suggestions.choices({ kind: "banned-ips", typed: "192", jail: "sshd" })).toEqual([
      { name: "192.0.2.1", value: "192.0.2.1" },
      { name: "192.0.2.3", value: "192.0.2.3" },
    ]);
    expect((await suggestions.choices({ kind: "banned-ips", typed: "192.0.2.9" })).map((c) => c.value)).toEqual(["192.0.2.99"]);
  });

  it("GIVEN an option taking several values THEN completes the last one and keeps the rest", async () => {
    const suggestions = make(new FakeJails({ sshd: ["192.0.2.1", "192.0.2.2"] }));
    expect(await suggestions.choices({ kind: "banned-ips", typed: "192.0.2.1, 192.0.2.", multiple: true })).toEqual([
      { name: "192.0.2.1, 192.0.2.1", value: "192.0.2.1, 192.0.2.1" },
      { name: "192.0.2.1, 192.0.2.2", value: "192.0.2.1, 192.0.2.2" },
    ]);
  });

  it("GIVEN many candidates THEN answers 25 at most", async () => {
    const ips = Array.from({ length: 60 }, (_, i) => `10.0.0.${i}`);
    expect(await make(new FakeJails({ sshd: ips })).choices({ kind: "banned-ips", typed: "", jail: "sshd" })).toHaveLength(25);
  });

  it("GIVEN repeated keystrokes THEN asks fail2ban once per few seconds", async () => {
    const clock = new TestClock();
    const fake = new FakeJails({ sshd: [], nginx: [] });
    const suggestions = make(fake, clock);
    await suggestions.choices({ kind: "jails", typed: "s" });
    await suggestions.choices({ kind: "jails", typed: "ss" });
    expect(fake.calls).toBe(1);
    clock.advance(5000);
    expect(await suggestions.choices({ kind: "jails", typed: "" })).toHaveLength(2);
    expect(fake.calls).toBe(2);
  });

  it("GIVEN a slow fail2ban THEN answers empty in time, and from the cache once the answer arrives", async () => {
    const fake = new FakeJails({ sshd: [] });
    let release = () => undefined as void;
    fake.gate = new Promise((resolve) => (release = resolve));
    const suggestions = make(fake);
    expect(await suggestions.choices({ kind: "jails", typed: "" })).toEqual([]);
    release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await suggestions.choices({ kind: "jails", typed: "" })).toEqual([{ name: "sshd", value: "sshd" }]);
    expect(fake.calls).toBe(1);
  });

  it("GIVEN a jail that does not exist THEN suggests nothing rather than failing", async () => {
    expect(await make(new FakeJails({})).choices({ kind: "banned-ips", typed: "", jail: "nosuch" })).toEqual([]);
  });
});
