import { isIP } from "node:net";
import { describe, expect, it } from "vitest";
import { formatCidr, formatIpv6, ipv4Value, ipv6Words, matchesEntry, normalizeIp, parseIpOrCidr, unmapped } from "../../src/core/ip.js";

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

// BanBot parses addresses by hand for speed; node's isIP and the WHATWG URL parser (RFC 5952 output)
// are what it must agree with, on valid addresses written every way and on near misses.
describe("parsing by hand agrees with node", () => {
  let state = 0x2545f491;
  const random = (n: number) => {
    // xorshift32: the same cases on every run.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
  const pick = <T>(xs: readonly T[]): T => xs[random(xs.length)]!;
  const octet = () => (random(10) === 0 ? pick(["256", "0" + random(10), "00", "1000", ""]) : pick([String(random(256)), String(random(10)), "255"]));
  const group = () =>
    random(20) === 0 ? pick(["12345", "", "g"]) : pick([random(0x10000).toString(16), "0", "0", "0000", "00ff", random(16).toString(16).toUpperCase()]);
  const v6 = () => {
    const groups = Array.from({ length: pick([6, 7, 8, 8, 9]) }, group);
    if (random(3) === 0) groups.splice(pick([0, 3, groups.length]), pick([0, 1, 2, 4]), "");
    let text = groups.join(":");
    if (random(4) === 0) text = text.replace(/(^|:)[^:]*:[^:]*$/, `$1${[octet(), octet(), octet(), octet()].join(".")}`);
    if (random(10) === 0) text = text.replace(/^:?/, "::");
    return random(30) === 0 ? `${text}%eth0` : text;
  };
  const noise = () => Array.from({ length: random(24) }, () => pick([..."0123456789abcdefABCDEF:.:.g "])).join("");
  const cases = Array.from({ length: 30_000 }, () => pick([v6, v6, () => [octet(), octet(), octet(), octet()].join("."), noise])());

  it("accepts exactly what isIP accepts, and writes IPv6 as the URL parser does", () => {
    let valid = 0;
    for (const text of cases) {
      expect(ipv4Value(text) >= 0, text).toBe(isIP(text) === 4);
      const words = ipv6Words(text);
      expect(words !== undefined, text).toBe(isIP(text) === 6 && !text.includes("%"));
      if (words === undefined) continue;
      valid++;
      expect(formatIpv6(words), text).toBe(new URL(`http://[${text}]/`).hostname.slice(1, -1));
    }
    // The generator must reach the interesting part: a few thousand valid IPv6 addresses.
    expect(valid).toBeGreaterThan(3_000);
  });

  it("reads a dotted quad's value", () => {
    expect(ipv4Value("192.0.2.1")).toBe(0xc0000201);
    expect(ipv4Value("255.255.255.255")).toBe(0xffffffff);
    expect(ipv4Value("1.2.3")).toBe(-1);
  });
});
