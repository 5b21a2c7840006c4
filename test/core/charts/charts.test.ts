import { createRequire } from "node:module";
import type * as ResvgJs from "@resvg/resvg-js";
import { decode } from "fast-png";
import { describe, expect, it } from "vitest";
import { encodePng } from "../../../src/core/charts/png.js";
import { rankedBarsChart } from "../../../src/core/charts/ranked-bars.js";
import { stackedBarsChart } from "../../../src/core/charts/stacked-bars.js";
import { CHART_THEME, seriesColor } from "../../../src/core/charts/theme.js";
import type { Image } from "../../../src/core/reply.js";

// Pixel statistics instead of golden images: they hold across font rasteriser and ECharts versions
// while still catching a blank, cropped, unthemed or single-coloured chart.

interface Pixels {
  width: number;
  height: number;
  at(x: number, y: number): [number, number, number, number];
  count(rgb: string): number;
  /** Share of opaque pixels that differ from the card colour. */
  inked(): number;
}

function pixels(image: Image): Pixels {
  expect([...image.png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const png = decode(image.png);
  expect(png.channels).toBe(4);
  const data = png.data;
  const at = (x: number, y: number): [number, number, number, number] => {
    const i = (y * png.width + x) * 4;
    return [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
  };
  const hex = (x: number, y: number) => `#${at(x, y).slice(0, 3).map((c) => c.toString(16).padStart(2, "0")).join("")}`;
  const histogram = new Map<string, number>();
  let opaque = 0;
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      if (at(x, y)[3] !== 255) continue;
      opaque++;
      const key = hex(x, y);
      histogram.set(key, (histogram.get(key) ?? 0) + 1);
    }
  }
  return {
    width: png.width,
    height: png.height,
    at,
    count: (rgb) => histogram.get(rgb) ?? 0,
    inked: () => 1 - (histogram.get(CHART_THEME.card) ?? 0) / opaque,
  };
}

describe("stackedBarsChart", () => {
  const image = stackedBarsChart({
    title: "Bans per day",
    subtitle: "last 7 days",
    categories: ["Nov 16", "Nov 17", "Nov 18", "Nov 19", "Nov 20", "Nov 21", "Nov 22"],
    series: [
      { name: "sshd", values: [40, 80, 20, 60, 90, 30, 50] },
      { name: "nginx", values: [10, 20, 30, 10, 20, 30, 10] },
      { name: "postfix", values: [5, 0, 8, 2, 0, 12, 4] },
    ],
    name: "bans-over-time.png",
    alt: "Bans per day",
    valueLabel: "bans",
  });

  it("carries the numbers it was drawn from, for surfaces that draw their own charts", () => {
    expect(image.chart).toEqual({
      kind: "timeline",
      title: "Bans per day",
      categories: ["Nov 16", "Nov 17", "Nov 18", "Nov 19", "Nov 20", "Nov 21", "Nov 22"],
      series: [
        { name: "sshd", values: [40, 80, 20, 60, 90, 30, 50] },
        { name: "nginx", values: [10, 20, 30, 10, 20, 30, 10] },
        { name: "postfix", values: [5, 0, 8, 2, 0, 12, 4] },
      ],
      valueLabel: "bans",
    });
  });

  it("is a PNG of the declared size, twice the layout size", () => {
    const p = pixels(image);
    expect([p.width, p.height]).toEqual([image.width, image.height]);
    expect([image.width, image.height]).toEqual([1280, 2 * (340 + 30)]);
    expect(image.name).toBe("bans-over-time.png");
  });

  it("draws a rounded card, transparent outside, with a colour per jail", () => {
    const p = pixels(image);
    expect(p.at(0, 0)[3]).toBe(0);
    expect(p.at(p.width / 2, p.height / 2)[3]).toBe(255);
    expect(p.count(CHART_THEME.card)).toBeGreaterThan(p.width * p.height * 0.3);
    for (const i of [0, 1, 2]) expect(p.count(seriesColor(i))).toBeGreaterThan(1_000);
    expect(p.count(seriesColor(3))).toBe(0);
  });

  it("is neither blank nor a solid block", () => {
    const inked = pixels(image).inked();
    expect(inked).toBeGreaterThan(0.1);
    expect(inked).toBeLessThan(0.6);
  });
});

describe("rankedBarsChart", () => {
  const rows = ["CN China", "US United States", "RU Russia", "unknown"].map((label, i) => ({ label, value: 400 / (i + 1) }));
  const image = rankedBarsChart({ title: "Top countries", rows, name: "top-countries.png", alt: "Top countries", valueLabel: "bans" });

  it("carries the ranking, largest first, as chart data", () => {
    expect(image.chart).toEqual({
      kind: "ranking",
      title: "Top countries",
      categories: ["CN China", "US United States", "RU Russia", "unknown"],
      series: [{ name: "bans", values: [400, 200, 400 / 3, 100] }],
      valueLabel: "bans",
    });
  });

  it("grows with its rows and colours each rank", () => {
    const p = pixels(image);
    expect(image.width).toBe(1280);
    expect(image.height).toBe(2 * (90 + 26 * 4));
    for (const i of [0, 1, 2, 3]) expect(p.count(seriesColor(i))).toBeGreaterThan(500);
    // Longer bars for larger values: the first rank has the most ink.
    expect(p.count(seriesColor(0))).toBeGreaterThan(p.count(seriesColor(3)) * 3);
    expect(p.inked()).toBeGreaterThan(0.05);
  });
});

describe("stackedBarsChart legend", () => {
  it("grows the image by the lines many jails need, keeping the bars' height", () => {
    const series = Array.from({ length: 8 }, (_, i) => ({ name: `nginx-botsearch-${i}`, values: [1, 2, 3] }));
    const image = stackedBarsChart({ title: "t", categories: ["a", "b", "c"], series, name: "x.png", alt: "x", valueLabel: "bans" });
    expect(image.height).toBeGreaterThan(2 * (340 + 30));
    expect(pixels(image).count(seriesColor(7))).toBeGreaterThan(100);
  });
});

describe("encodePng", () => {
  it("writes resvg's premultiplied pixels as the same image resvg's own encoder writes, anti-aliased edges included", () => {
    const require = createRequire(import.meta.url);
    const { Resvg } = require("@resvg/resvg-js") as typeof ResvgJs;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="60" height="40"><rect x="0.5" y="0.5" width="59" height="39" rx="14" fill="${CHART_THEME.card}" stroke="${CHART_THEME.border}"/><circle cx="30" cy="20" r="9" fill="${seriesColor(1)}" opacity="0.4"/></svg>`;
    const rendered = new Resvg(svg, { fitTo: { mode: "zoom", value: 2 } }).render();
    const ours = decode(encodePng(rendered.pixels, rendered.width, rendered.height));
    const theirs = decode(rendered.asPng());
    expect([ours.width, ours.height, ours.channels]).toEqual([theirs.width, theirs.height, 4]);
    const alphas = new Set<number>();
    for (let i = 3; i < theirs.data.length; i += 4) alphas.add(theirs.data[i]!);
    // The rounded corners are translucent: where premultiplied and straight alpha differ.
    expect([...alphas].some((a) => a > 0 && a < 255)).toBe(true);
    expect(Buffer.from(ours.data)).toEqual(Buffer.from(theirs.data));
  });
});
