import { describe, expect, it } from "vitest";
import { spikeRateChart } from "../../../src/core/alerts/spike-chart.js";

const at = (hhmmss: string) => Date.parse(`2026-11-22T${hhmmss}Z`);

describe("spikeRateChart", () => {
  it("counts bans per UTC minute from the window's start to now, empty minutes included", () => {
    const image = spikeRateChart({
      jail: "sshd",
      host: "web1",
      bans: [at("09:40:05"), at("09:40:59"), at("09:42:10"), at("09:43:00"), at("09:43:30"), at("09:43:31"), at("09:39:59")].map((t) => ({ at: t, n: 1 })),
      since: at("09:40:30"),
      now: at("09:43:45"),
    });
    expect(image.chart).toEqual({
      kind: "timeline",
      title: "Bans per minute",
      categories: ["09:40", "09:41", "09:42", "09:43"],
      series: [{ name: "sshd", values: [2, 0, 1, 3] }],
      valueLabel: "bans",
    });
    expect(image.name).toBe("spike-sshd.png");
    expect(image.alt).toBe("Bar chart of bans per minute in sshd on web1, 09:40 to 09:43 UTC: 2, 0, 1, 3");
    expect(Buffer.from(image.png).subarray(1, 4).toString()).toBe("PNG");
  });
});
