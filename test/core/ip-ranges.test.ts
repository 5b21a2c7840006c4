import { describe, expect, it } from "vitest";
import { classifyAddress, specialRanges } from "../../src/core/ip-ranges.js";

describe("classifyAddress", () => {
  it.each([
    ["8.8.8.8", "8.8.8.8", 4],
    [" 81.2.69.160 ", "81.2.69.160", 4],
    ["100.128.0.1", "100.128.0.1", 4],
    ["2A00:1450:4001:0::1", "2a00:1450:4001::1", 6],
    ["::ffff:8.8.8.8", "8.8.8.8", 4],
    ["::ffff:0808:0808", "8.8.8.8", 4],
    ["64:ff9b::8.8.8.8", "64:ff9b::808:808", 6],
    ["2002:808:808::1", "2002:808:808::1", 6],
  ])("GIVEN %j THEN it is public, normalised to %s", (input, address, version) => {
    expect(classifyAddress(input)).toEqual({ kind: "public", address, version });
  });

  it.each([
    ["10.1.2.3", "private", "private network", "10.0.0.0/8"],
    ["172.31.255.255", "private", "private network", "172.16.0.0/12"],
    ["192.168.1.1", "private", "private network", "192.168.0.0/16"],
    ["127.0.0.1", "loopback", "loopback", "127.0.0.0/8"],
    ["169.254.169.254", "link-local", "link-local", "169.254.0.0/16"],
    ["100.64.0.1", "cgnat", "carrier-grade NAT (shared address space)", "100.64.0.0/10"],
    ["192.0.2.7", "documentation", "documentation range", "192.0.2.0/24"],
    ["198.51.100.7", "documentation", "documentation range", "198.51.100.0/24"],
    ["203.0.113.7", "documentation", "documentation range", "203.0.113.0/24"],
    ["198.19.0.1", "reserved", "benchmarking range", "198.18.0.0/15"],
    ["224.0.0.251", "multicast", "multicast", "224.0.0.0/4"],
    ["0.0.0.0", "unspecified", "unspecified address", "0.0.0.0/32"],
    ["0.1.2.3", "unspecified", "reserved (this network)", "0.0.0.0/8"],
    ["240.0.0.1", "reserved", "reserved (future use)", "240.0.0.0/4"],
    ["255.255.255.255", "reserved", "broadcast", "255.255.255.255/32"],
    ["192.0.0.9", "reserved", "reserved (IETF protocol assignments)", "192.0.0.0/24"],
    ["::", "unspecified", "unspecified address", "::/128"],
    ["::1", "loopback", "loopback", "::1/128"],
    ["2001:db8::1", "documentation", "documentation range", "2001:db8::/32"],
    ["3fff:1::1", "documentation", "documentation range", "3fff::/20"],
    ["fd12:3456::1", "private", "private network (unique local)", "fc00::/7"],
    ["fe80::1", "link-local", "link-local", "fe80::/10"],
    ["ff02::1", "multicast", "multicast", "ff00::/8"],
    ["2001::1", "reserved", "Teredo tunnel", "2001::/32"],
    ["2001:2::1", "reserved", "benchmarking range", "2001:2::/48"],
    ["100::1", "reserved", "discard-only range", "100::/64"],
    ["::1.2.3.4", "reserved", "reserved (IPv4-compatible, deprecated)", "::/96"],
    ["4000::1", "reserved", "reserved (not global unicast)", "4000::/2"],
    ["1000::1", "reserved", "reserved (not global unicast)", "::/3"],
  ])("GIVEN %s THEN it is %s: %s", (input, category, label, range) => {
    expect(classifyAddress(input)).toMatchObject({ kind: "special", category, label, range });
  });

  it("labels an IPv4-mapped address like the IPv4 address, and returns that", () => {
    expect(classifyAddress("::ffff:192.168.0.1")).toEqual({
      kind: "special",
      address: "192.168.0.1",
      version: 4,
      category: "private",
      label: "private network",
      range: "192.168.0.0/16",
    });
  });

  it("labels NAT64 and 6to4 addresses by the IPv4 address they carry", () => {
    expect(classifyAddress("64:ff9b::10.0.0.1")).toMatchObject({ kind: "special", address: "64:ff9b::a00:1", category: "private" });
    expect(classifyAddress("2002:7f00:1::1")).toMatchObject({ kind: "special", category: "loopback", label: "loopback (in an IPv6 address)" });
  });

  it.each(["", "nope", "1.2.3", "256.1.1.1", "1.2.3.4/32", "fe80::1%eth0", "2001:db8::g"])("GIVEN %j THEN it is no address", (input) => {
    expect(classifyAddress(input)).toBeUndefined();
  });
});

describe("specialRanges", () => {
  it("lists every range with a category and a label", () => {
    const ranges = specialRanges();
    expect(ranges).toContainEqual({ range: "100.64.0.0/10", category: "cgnat", label: "carrier-grade NAT (shared address space)" });
    expect(ranges.every((r) => r.label !== "" && /\/\d+$/.test(r.range))).toBe(true);
  });
});
