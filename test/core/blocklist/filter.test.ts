import { describe, expect, it } from "vitest";
import { parseEntry, type Network } from "../../../src/core/blocklist/address.js";
import { filterEntries } from "../../../src/core/blocklist/filter.js";

const entries = (...texts: string[]): Network[] => texts.map((t) => parseEntry(t)!);

describe("filterEntries", () => {
  it("keeps ordinary and documentation addresses", () => {
    const result = filterEntries(entries("8.8.8.8", "203.0.113.5", "2001:db8::5", "1.10.16.0/20"), { ignoreList: [], protectedRanges: [] });
    expect(result.keep.map((e) => e.text)).toEqual(["8.8.8.8", "203.0.113.5", "2001:db8::5", "1.10.16.0/20"]);
    expect(result.skipped).toEqual({ ignored: 0, protected: 0, special: 0, broad: 0 });
  });

  it.each([
    ["10.1.2.3"],
    ["127.0.0.1"],
    ["169.254.169.254"],
    ["100.64.0.1"],
    ["192.168.0.0/16"],
    ["172.0.0.0/8"], // overlaps 172.16.0.0/12
    ["224.0.0.1"],
    ["0.0.0.0/8"],
    ["::1"],
    ["fe80::1"],
    ["fd00::/48"],
  ])("never bans the special range %s (or a network overlapping one)", (text) => {
    expect(filterEntries(entries(text), { ignoreList: [], protectedRanges: [] }).skipped.special).toBe(1);
  });

  it("refuses networks wider than /8 or /16", () => {
    const result = filterEntries(entries("1.0.0.0/7", "2a00::/12", "1.0.0.0/8", "2a00::/16"), { ignoreList: [], protectedRanges: [] });
    expect(result.keep.map((e) => e.text)).toEqual(["1.0.0.0/8", "2a00::/16"]);
    expect(result.skipped.broad).toBe(2);
  });

  it("skips what the jail ignores, in both directions for networks, and ignores DNS names there", () => {
    const rules = { ignoreList: ["198.51.100.7", "203.0.113.0/24", "mail.example.com"], protectedRanges: [] };
    const result = filterEntries(entries("198.51.100.0/24", "203.0.113.9", "203.0.113.128/25", "192.0.2.1"), rules);
    expect(result.keep.map((e) => e.text)).toEqual(["192.0.2.1"]);
    expect(result.skipped.ignored).toBe(3);
  });

  it("skips BanBot's protected ranges", () => {
    const result = filterEntries(entries("192.0.2.10", "192.0.2.11", "2001:db8:1::/48"), { ignoreList: [], protectedRanges: ["192.0.2.10", "2001:db8::/32"] });
    expect(result.keep.map((e) => e.text)).toEqual(["192.0.2.11"]);
    expect(result.skipped.protected).toBe(2);
  });
});
