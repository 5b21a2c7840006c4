import { describe, expect, it } from "vitest";
import { formatCidr, matchesEntry, normalizeIp, parseIpOrCidr, unmapped } from "../../src/core/ip.js";

describe("normalizeIp", () => {
  it.each([
    ["192.0.2.1", "192.0.2.1"],
    [" 2001:DB8:0:0::1 ", "2001:db8::1"],
    ["2001:db8:0:0:0:0:0:1", "2001:db8::1"],
    // Dual-stack daemons log IPv4 clients this way; fail2ban bans and lists the IPv4 address.
    ["::ffff:192.0.2.1", "192.0.2.1"],
    ["::FFFF:c000:0201", "192.0.2.1"],
    ["::ffff:0:192.0.2.1", "::ffff:0:c000:201"],
    ["192.0.2.300", undefined],
    ["192.0.2.01", undefined],
    ["fe80::1%eth0", undefined],
    ["not-an-ip", undefined],
    ["", undefined],
  ])("GIVEN %j THEN %j", (input, expected) => {
    expect(normalizeIp(input)).toBe(expected);
  });
});

describe("unmapped", () => {
  it("unwraps IPv4-mapped addresses only", () => {
    expect(unmapped("::ffff:7f00:1")).toBe("127.0.0.1");
    expect(unmapped("2001:db8::1")).toBeUndefined();
  });
});

describe("parseIpOrCidr", () => {
  it.each([
    ["198.51.100.0/24", "198.51.100.0/24"],
    ["198.51.100.7/32", "198.51.100.7"],
    ["2001:DB8::/32", "2001:db8::/32"],
    ["10.0.0.0/33", undefined],
    ["10.0.0.0/8/1", undefined],
    ["10.0.0.0/x", undefined],
  ])("GIVEN %j THEN %j", (input, expected) => {
    const parsed = parseIpOrCidr(input);
    expect(parsed && formatCidr(parsed)).toBe(expected);
  });
});

describe("matchesEntry", () => {
  it.each([
    ["198.51.100.7", "198.51.100.0/24", true],
    ["198.51.101.7", "198.51.100.0/24", false],
    ["2001:db8::5", "2001:db8::/32", true],
    ["192.0.2.1", "192.0.2.1", true],
    ["192.0.2.1", "2001:db8::/32", false],
    ["192.0.2.1", "example.org", false],
  ])("GIVEN %s and %s THEN %s", (ip, entry, expected) => {
    expect(matchesEntry(ip, entry)).toBe(expected);
  });
});
