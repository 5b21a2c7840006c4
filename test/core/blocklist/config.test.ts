import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";

describe("blocklists configuration", () => {
  it("allows no private host, protects nothing extra and caps downloads at 32 MB by default", () => {
    expect(loadConfig({}).blocklists).toEqual({ allowPrivateHosts: [], protected: [], maxSizeMb: 32 });
  });

  it("reads protected addresses and networks in canonical form", () => {
    const config = loadConfig({}, "blocklists:\n  protected: [192.0.2.10, 198.51.100.0/24, 2001:DB8::/32, 192.0.2.11/32]\n  max_size_mb: 4\n");
    expect(config.blocklists).toMatchObject({ protected: ["192.0.2.10", "198.51.100.0/24", "2001:db8::/32", "192.0.2.11"], maxSizeMb: 4 });
  });

  it.each([
    ["blocklists:\n  protected: [mail.example.com]\n", /blocklists\.protected\[0\]: expected an IP address or CIDR network/],
    ["blocklists:\n  max_size_mb: 0\n", /blocklists\.max_size_mb/],
  ])("refuses %j", (yaml, message) => {
    expect(() => loadConfig({}, yaml)).toThrow(message);
  });
});
