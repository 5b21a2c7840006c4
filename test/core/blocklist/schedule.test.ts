import { describe, expect, it } from "vitest";
import { nextRunAfter, scheduleProblem } from "../../../src/core/blocklist/schedule.js";

const NOW = Date.UTC(2026, 0, 1, 0, 0, 0);

describe("scheduleProblem", () => {
  it.each(["0 */6 * * *", "@daily", "@hourly", "*/5 * * * *", "30 2 * * 1", "0 0 */2 * * *"])("accepts %s", (pattern) => {
    expect(scheduleProblem(pattern, NOW)).toBeUndefined();
  });

  it.each([
    ["every hour", /is not a cron schedule/],
    ["61 * * * *", /is not a cron schedule/],
    ["* * * * *", /more often than every 5 minutes/],
    ["*/10 * * * * *", /more often than every 5 minutes/],
    ["0,1 * * * *", /more often than every 5 minutes/],
    ["0 0 31 2 *", /never runs/],
  ])("refuses %s", (pattern, message) => {
    expect(scheduleProblem(pattern, NOW)).toMatch(message);
  });
});

describe("nextRunAfter", () => {
  it("reads patterns in UTC", () => {
    expect(nextRunAfter("0 */6 * * *", NOW)).toBe(Date.UTC(2026, 0, 1, 6));
    expect(nextRunAfter("30 2 * * *", Date.UTC(2026, 0, 1, 3))).toBe(Date.UTC(2026, 0, 2, 2, 30));
  });
});
