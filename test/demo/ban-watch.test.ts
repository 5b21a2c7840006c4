import { describe, expect, it, vi } from "vitest";
import { watchBans } from "../../src/demo/ban-watch.js";

describe("watchBans", () => {
  it("announces bans that appear after it started, once each", async () => {
    const state = new Map([["sshd", ["192.0.2.1"]]]);
    const notices: string[] = [];
    const stop = watchBans({ banned: () => Promise.resolve(new Map(state)) }, (t) => notices.push(t), 10);
    try {
      await new Promise((r) => setTimeout(r, 30));
      state.set("sshd", ["192.0.2.1", "192.0.2.2"]);
      state.set("postfix", ["2001:db8::3"]);
      await vi.waitFor(() => expect(notices).toHaveLength(2));
      await new Promise((r) => setTimeout(r, 40));
      expect(notices).toEqual(["⚑ fail2ban banned 192.0.2.2 in sshd", "⚑ fail2ban banned 2001:db8::3 in postfix"]);
    } finally {
      stop();
    }
  });
});
