import { describe, expect, it } from "vitest";
import { capabilitiesFor, parseVersion } from "../../../src/core/fail2ban/capabilities.js";

describe("capabilitiesFor", () => {
  const cases: [string, { multiIp: boolean; bannedCommand: boolean; banipGet: boolean; shortStatus: boolean; statsFlavor: boolean }][] = [
    ["0.10.4", { multiIp: false, bannedCommand: false, banipGet: false, shortStatus: false, statsFlavor: false }],
    ["0.10.5", { multiIp: true, bannedCommand: false, banipGet: false, shortStatus: false, statsFlavor: false }],
    ["0.10.6", { multiIp: true, bannedCommand: true, banipGet: false, shortStatus: true, statsFlavor: false }],
    ["0.11.1", { multiIp: true, bannedCommand: false, banipGet: true, shortStatus: false, statsFlavor: false }],
    ["0.11.2", { multiIp: true, bannedCommand: true, banipGet: true, shortStatus: true, statsFlavor: false }],
    ["1.0.2", { multiIp: true, bannedCommand: true, banipGet: true, shortStatus: true, statsFlavor: false }],
    ["1.1.0", { multiIp: true, bannedCommand: true, banipGet: true, shortStatus: true, statsFlavor: true }],
    ["1.1.2.dev1", { multiIp: true, bannedCommand: true, banipGet: true, shortStatus: true, statsFlavor: true }],
  ];
  it.each(cases)("GIVEN fail2ban %s THEN it knows what the server can answer", (version, expected) => {
    expect(capabilitiesFor(version)).toEqual({ version, ...expected });
  });

  it("reads partial and odd version strings", () => {
    expect(parseVersion("1.1")).toEqual([1, 1, 0]);
    expect(parseVersion("1.1.2.dev1")).toEqual([1, 1, 2]);
    expect(parseVersion("garbage")).toEqual([0, 0, 0]);
  });
});
