import { describe, expect, it } from "vitest";
import { NetworkSet, parseEntry, rangeOf } from "../../../src/core/blocklist/address.js";

describe("parseEntry", () => {
  it.each([
    ["192.0.2.1", "192.0.2.1"],
    ["192.0.2.1/32", "192.0.2.1"],
    ["192.0.2.200/25", "192.0.2.128/25"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["2001:DB8::1", "2001:db8::1"],
    ["2001:db8:ffff::1/33", "2001:db8:8000::/33"],
    ["::ffff:c000:0201", "192.0.2.1"],
    ["::ffff:192.0.2.0/120", "192.0.2.0/24"],
  ])("GIVEN %s THEN fail2ban's form %s", (input, text) => {
    expect(parseEntry(input)?.text).toBe(text);
  });

  it.each(["", "192.0.2", "192.0.2.1/33", "192.0.2.1/-1", "192.0.2.1/1/2", "2001:db8::/129", "::ffff:1.2.3.4/90", "example.com", "01.2.3.4"])(
    "GIVEN %j THEN undefined",
    (input) => {
      expect(parseEntry(input)).toBeUndefined();
    },
  );
});

describe("NetworkSet", () => {
  const set = new NetworkSet([parseEntry("198.51.100.0/24")!, parseEntry("192.0.2.7")!]);
  it.each([
    ["198.51.100.9", true],
    ["198.51.100.128/25", true],
    ["198.51.0.0/16", true],
    ["192.0.2.0/24", true],
    ["192.0.2.8", false],
    ["203.0.113.0/24", false],
    ["2001:db8::1", false],
  ])("GIVEN %s THEN touches is %s", (entry, touches) => {
    expect(set.touches(rangeOf(parseEntry(entry)!))).toBe(touches);
  });

  it.each([
    ["198.51.100.9", true],
    ["198.51.100.128/25", true],
    ["198.51.0.0/16", false],
    ["192.0.2.7", true],
  ])("GIVEN %s THEN contains is %s", (entry, contains) => {
    expect(set.contains(rangeOf(parseEntry(entry)!))).toBe(contains);
  });
});
