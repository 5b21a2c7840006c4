import { describe, expect, it } from "vitest";
import { bucketLabel, statsWindow } from "../../../src/core/history/window.js";

const NOW = Date.UTC(2026, 10, 22, 9, 30);

describe("statsWindow", () => {
  it("uses hours up to two days, days up to 90, weeks beyond, with every bucket up to now", () => {
    const day = statsWindow(NOW, 24 * 3_600_000);
    expect(day.unit).toBe("hour");
    expect(day.buckets).toHaveLength(25);
    expect(day.since).toBe(Date.UTC(2026, 10, 21, 9));
    const week = statsWindow(NOW, 7 * 86_400_000);
    expect([week.unit, week.buckets.length, week.since]).toEqual(["day", 8, Date.UTC(2026, 10, 15)]);
    const year = statsWindow(NOW, 365 * 86_400_000);
    expect(year.unit).toBe("week");
    expect(new Date(year.since).getUTCDay()).toBe(1);
    expect(year.buckets.at(-1)).toBe(Date.UTC(2026, 10, 16));
  });
});

describe("bucketLabel", () => {
  it("labels hours, days and weeks in UTC", () => {
    expect(bucketLabel(Date.UTC(2026, 10, 22, 14), "hour")).toBe("14:00");
    expect(bucketLabel(Date.UTC(2026, 10, 22), "hour")).toBe("Nov 22");
    expect(bucketLabel(Date.UTC(2026, 10, 22), "day")).toBe("Nov 22");
    expect(bucketLabel(Date.UTC(2026, 10, 16), "week")).toBe("w. Nov 16");
  });
});
