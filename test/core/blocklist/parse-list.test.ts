import { describe, expect, it } from "vitest";
import { parseList } from "../../../src/core/blocklist/parse-list.js";

const texts = (text: string) => parseList(text).entries.map((e) => e.text);

describe("parseList", () => {
  it.each([
    ["one address per line", "192.0.2.1\n192.0.2.2\n", ["192.0.2.1", "192.0.2.2"]],
    ["CRLF line endings", "192.0.2.1\r\n192.0.2.2\r\n", ["192.0.2.1", "192.0.2.2"]],
    ["# and ; comments, whole-line and trailing", "# header\n; also\n192.0.2.1 # note\n192.0.2.2;note\n", ["192.0.2.1", "192.0.2.2"]],
    ["Spamhaus DROP", "; Spamhaus DROP List 2026/01/01\n1.10.16.0/20 ; SBL256894\n1.19.0.0/16 ; SBL434604\n", ["1.10.16.0/20", "1.19.0.0/16"]],
    ["IPsum: address, tab, count", "# IPsum\n203.0.113.9\t7\n198.51.100.4\t3\n", ["203.0.113.9", "198.51.100.4"]],
    ["IPv6, compressed and lower-cased", "2001:DB8:0:0::1\n2001:db8::/32\n", ["2001:db8::1", "2001:db8::/32"]],
    ["host bits of a network cleared", "192.0.2.77/24\n2001:db8::1/48\n", ["192.0.2.0/24", "2001:db8::/48"]],
    ["/32 and /128 written as the address", "192.0.2.1/32\n2001:db8::1/128\n", ["192.0.2.1", "2001:db8::1"]],
    ["IPv4-mapped IPv6 written as IPv4", "::ffff:192.0.2.1\n::ffff:198.51.100.0/120\n", ["192.0.2.1", "198.51.100.0/24"]],
    ["blank lines, spaces and a byte-order mark", "\uFEFF  192.0.2.1  \n\n\t\n", ["192.0.2.1"]],
  ])("reads %s", (_what, text, entries) => {
    expect(texts(text)).toEqual(entries);
  });

  it("reads start–end ranges (DShield's block.txt) as the network they span, and refuses any other range", () => {
    const text = [
      "Start\tEnd\tNetblock\tAttacks\tName\tCountry\temail",
      "192.0.2.0\t192.0.2.255\t24\t6286\tEXAMPLE, Inc.\tCN\tabuse@example.net",
      "198.51.100.64 198.51.100.127",
      "2001:db8:: 2001:db8::ffff",
      "203.0.113.0\t203.0.113.99\t24",
      "203.0.113.0\t203.0.113.255\t16",
      "203.0.113.9\t7",
    ].join("\n");
    const parsed = parseList(text);
    expect(parsed.entries.map((e) => e.text)).toEqual(["192.0.2.0/24", "198.51.100.64/26", "2001:db8::/112", "203.0.113.9"]);
    // The column header is no entry; the ranges that span no single network, or contradict their prefix, are invalid.
    expect(parsed).toMatchObject({ lines: 6, invalid: 2, invalidSample: ["203.0.113.0 203.0.113.99 24", "203.0.113.0 203.0.113.255 16"] });
  });

  it("counts duplicates once, in list order", () => {
    expect(parseList("192.0.2.2\n192.0.2.1\n192.0.2.2/32\n")).toMatchObject({ lines: 3, duplicates: 1, invalid: 0 });
    expect(texts("192.0.2.2\n192.0.2.1\n192.0.2.2\n")).toEqual(["192.0.2.2", "192.0.2.1"]);
  });

  it("counts invalid lines and samples the first five, never failing", () => {
    const text = ["<html>", "192.0.2.1", "192.0.2.300", "10.0.0.0/33", "not-an-ip", "1.2.3", "::ffff:1.2.3.4/64", "x".repeat(100), "192.0.2.2"].join("\n");
    const parsed = parseList(text);
    expect(parsed.entries.map((e) => e.text)).toEqual(["192.0.2.1", "192.0.2.2"]);
    expect(parsed).toMatchObject({ lines: 9, invalid: 7 });
    expect(parsed.invalidSample).toEqual(["<html>", "192.0.2.300", "10.0.0.0/33", "not-an-ip", "1.2.3"]);
  });

  it("clips long invalid lines in the sample", () => {
    expect(parseList(`${"y".repeat(100)}\n`).invalidSample).toEqual([`${"y".repeat(59)}…`]);
  });

  it("reads 50,000 lines in well under a second", () => {
    const text = Array.from({ length: 50_000 }, (_, i) => `11.${i >> 16}.${(i >> 8) & 255}.${i & 255}`).join("\n");
    const started = performance.now();
    expect(parseList(text).entries).toHaveLength(50_000);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
