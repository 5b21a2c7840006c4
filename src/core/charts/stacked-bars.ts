import type { EChartsOption } from "echarts";
import type { ChartData, Image } from "../reply.js";
import { renderChart } from "./render.js";
import { CHART_THEME, chartTitle, seriesColor } from "./theme.js";

export interface StackedBarsSpec {
  title: string;
  subtitle?: string;
  /** x-axis labels, one per bucket. */
  categories: readonly string[];
  /** One stack layer per series, in legend order; `values` align with `categories`. */
  series: readonly { name: string; values: readonly number[] }[];
  name: string;
  alt: string;
  /** What the values count ("bans"). */
  valueLabel: string;
}

const WIDTH = 640;
const HEIGHT = 340;
const LEGEND_LINE = 22;

/** Counts over time, stacked per series (bans per jail): a column per bucket, a colour per series. */
export function stackedBarsChart(spec: StackedBarsSpec): Image {
  const { text, muted, grid } = CHART_THEME;
  const option: EChartsOption = {
    title: chartTitle(spec),
    // Under the chart, wrapping onto as many lines as the jails need.
    legend: {
      show: spec.series.length > 1,
      type: "plain",
      left: 16,
      right: 16,
      bottom: 12,
      itemWidth: 12,
      itemHeight: 12,
      itemGap: 14,
      textStyle: { color: text, fontSize: 12 },
    },
    grid: { left: 16, right: 20, top: spec.subtitle ? 70 : 56, bottom: 16 + legendHeight(spec), containLabel: true },
    xAxis: {
      type: "category",
      data: [...spec.categories],
      axisLine: { lineStyle: { color: grid } },
      axisTick: { show: false },
      axisLabel: { color: muted, fontSize: 11, hideOverlap: true },
    },
    yAxis: {
      type: "value",
      minInterval: 1,
      splitLine: { lineStyle: { color: grid } },
      axisLabel: { color: muted, fontSize: 11 },
    },
    series: spec.series.map((s, i) => ({
      type: "bar",
      name: s.name,
      stack: "total",
      data: [...s.values],
      itemStyle: { color: seriesColor(i) },
      barCategoryGap: "25%",
      // One path per series instead of an element per bar: the same picture, but a year of weekly
      // columns for six jails (318 bars) took ECharts twice as long. Unclipped: the bars stay inside
      // the axes anyway, and resvg took three times as long to draw a series clipped to them.
      large: true,
      largeThreshold: 0,
      clip: false,
    })),
  };
  const chart: ChartData = {
    kind: "timeline",
    title: spec.title,
    categories: [...spec.categories],
    series: spec.series.map((s) => ({ name: s.name, values: [...s.values] })),
    valueLabel: spec.valueLabel,
  };
  return { ...renderChart(option, { name: spec.name, alt: spec.alt, width: WIDTH, height: HEIGHT + legendHeight(spec) }), chart };
}

// The legend's lines, estimated as ECharts lays it out (about 6.5 px per character at 12 px, plus
// the swatch and gap); the image grows by as much, so the bars keep their height.
function legendHeight(spec: StackedBarsSpec): number {
  if (spec.series.length <= 1) return 0;
  let lines = 1;
  let x = 0;
  for (const s of spec.series) {
    const width = 12 + 5 + s.name.length * 6.5 + 14;
    if (x + width > WIDTH - 32 && x > 0) {
      lines++;
      x = 0;
    }
    x += width;
  }
  return lines * LEGEND_LINE + 8;
}
