import { describe, expect, it } from "vitest";
import { checkDestination, checkUrl, refusal } from "../../../src/core/blocklist/destination.js";
import { FakeResolver } from "./fake-resolver.js";

describe("checkUrl", () => {
  it("accepts http and https URLs", () => {
    expect(checkUrl("https://www.spamhaus.org/drop/drop.txt")).toBeInstanceOf(URL);
    expect(checkUrl("http://lists.blocklist.de/lists/ssh.txt")).toBeInstanceOf(URL);
  });

  it.each([
    ["file:///etc/passwd", /Only http and https/],
    ["ftp://example.com/list.txt", /Only http and https/],
    ["gopher://example.com/", /Only http and https/],
    ["https://user:secret@example.com/list.txt", /must not carry credentials/],
    ["https://token@example.com/list.txt", /must not carry credentials/],
    ["not a url", /is not a URL/],
    [`https://example.com/${"a".repeat(2100)}`, /longer than 2048/],
  ])("refuses %s", (url, message) => {
    expect(checkUrl(url)).toMatch(message);
  });
});

describe("refusal", () => {
  it.each([
    ["127.0.0.1", /loopback/],
    ["10.1.2.3", /private network/],
    ["172.20.0.1", /private network/],
    ["192.168.1.1", /private network/],
    ["169.254.169.254", /link-local/],
    ["100.64.0.1", /carrier-grade NAT/],
    ["0.0.0.0", /unspecified/],
    ["224.0.0.1", /multicast/],
    ["240.0.0.1", /reserved/],
    ["192.0.2.1", /documentation/],
    ["::1", /loopback/],
    ["fe80::1", /link-local/],
    ["fd00::1", /private/],
    ["::ffff:127.0.0.1", /loopback/],
    ["::ffff:a9fe:a9fe", /link-local/],
    ["64:ff9b::10.0.0.1", /private/],
    ["not-an-address", /not a usable address/],
  ])("refuses to connect to %s", (address, message) => {
    expect(refusal("list.example", address, [])).toMatch(message);
  });

  it("allows public addresses", () => {
    expect(refusal("www.spamhaus.org", "104.16.0.1", [])).toBeUndefined();
    expect(refusal("example", "2a00:1450:4001::1", [])).toBeUndefined();
    expect(refusal("example", "64:ff9b::8.8.8.8", [])).toBeUndefined();
  });

  it("allows private hosts listed by name or address, and nothing else", () => {
    expect(refusal("mirror.internal", "10.0.0.5", ["Mirror.Internal"])).toBeUndefined();
    expect(refusal("other.internal", "10.0.0.5", ["10.0.0.5"])).toBeUndefined();
    expect(refusal("127.0.0.1", "::ffff:127.0.0.1", ["127.0.0.1"])).toBeUndefined();
    expect(refusal("other.internal", "10.0.0.6", ["mirror.internal", "10.0.0.5"])).toMatch(/private network/);
  });
});

describe("checkDestination", () => {
  const resolver = new FakeResolver({ "list.example": ["104.16.0.1", "2a00:1450:4001::1"], "mixed.example": ["104.16.0.1", "10.0.0.1"], "inside.example": ["192.168.0.10"] });

  it("accepts a host that resolves only to public addresses", async () => {
    await expect(checkDestination(new URL("https://list.example/x"), resolver, [])).resolves.toBeUndefined();
  });

  it.each([
    ["https://mixed.example/x", /mixed\.example resolves to 10\.0\.0\.1: private network/],
    ["https://inside.example/x", /inside\.example resolves to 192\.168\.0\.10/],
    ["https://nowhere.example/x", /nowhere\.example does not resolve \(ENOTFOUND\)/],
    ["http://[::ffff:127.0.0.1]:8080/x", /::ffff:7f00:1 is loopback/],
  ])("refuses %s", async (url, message) => {
    await expect(checkDestination(new URL(url), resolver, [])).rejects.toThrow(message);
  });
});
