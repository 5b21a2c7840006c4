import { describe, expect, it } from "vitest";
import { banRisk } from "../../src/core/ban-risk.js";

describe("banRisk", () => {
  it("finds the risky addresses among thousands of harmless ones, each once, in the order given", () => {
    const harmless = Array.from({ length: 5000 }, (_, i) => `12.0.${i >> 8}.${i & 255}`);
    const targets = [...harmless.slice(0, 2500), "10.9.8.7", "192.0.2.5", "203.0.113.9", ...harmless.slice(2500), "127.0.0.9", "198.51.100.77", "2001:db8::1", "fc00::5"];
    const risk = banRisk(targets, { jail: "sshd", ignoreList: ["203.0.113.0/24", "example.org"], hostAddresses: ["198.51.100.77", "::1"] });
    expect(risk?.split("\n")).toEqual([
      "This ban could lock out your own users or this machine:",
      "10.9.8.7: private network (10.0.0.0/8)",
      "203.0.113.9: sshd's ignore list has 203.0.113.0/24",
      "127.0.0.9: loopback (127.0.0.0/8)",
      "198.51.100.77: an address of this machine (BanBot's host)",
      expect.stringMatching(/^fc00::5: /),
      "Ban anyway?",
    ]);
  });

  it("has nothing to ask for public and documentation addresses", () => {
    expect(banRisk(["8.8.8.8", "192.0.2.1", "2001:db8::7"], { jail: "sshd", ignoreList: [], hostAddresses: ["10.0.0.2"] })).toBeUndefined();
  });
});
