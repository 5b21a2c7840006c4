import type { EChartsOption } from "echarts";
import type { ChartData, Image } from "../reply.js";
import { renderChart } from "./render.js";
import { CHART_THEME, chartTitle, seriesColor } from "./theme.js";

export interface RankedBarsSpec {
  title: string;
  subtitle?: string;
  /** Largest first; drawn top to bottom. */
  rows: readonly { label: string; value: number }[];
  name: string;
  alt: string;
  /** What the values count ("bans"). */
  valueLabel: string;
}

const WIDTH = 640;
const ROW_HEIGHT = 26;
const CHROME_HEIGHT = 90;
const MAX_LABEL = 26;

/** A ranking as horizontal bars with their values, one colour per rank. */
export function rankedBarsChart(spec: RankedBarsSpec): Image {
  const { text, grid } = CHART_THEME;
  const rows = [...spec.rows].reverse();
  const option: EChartsOption = {
    title: chartTitle(spec),
    grid: { left: 16, right: 56, top: spec.subtitle ? 66 : 52, bottom: 12, containLabel: true },
    xAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: grid } }, axisLabel: { show: false } },
    yAxis: {
      type: "category",
      data: rows.map((r) => shorten(r.label)),
      axisLine: { lineStyle: { color: grid } },
      axisTick: { show: false },
      axisLabel: { color: text, fontSize: 12 },
    },
    series: [
      {
        type: "bar",
        data: rows.map((r, i) => ({ value: r.value, itemStyle: { color: seriesColor(rows.length - 1 - i) } })),
        barCategoryGap: "30%",
        label: { show: true, position: "right", color: text, fontSize: 12, formatter: (p) => Number(p.value).toLocaleString("en") },
      },
    ],
  };
  const height = CHROME_HEIGHT + ROW_HEIGHT * Math.max(rows.length, 3);
  const chart: ChartData = {
    kind: "ranking",
    title: spec.title,
    categories: spec.rows.map((r) => r.label),
    series: [{ name: spec.valueLabel, values: spec.rows.map((r) => r.value) }],
    valueLabel: spec.valueLabel,
  };
  return { ...renderChart(option, { name: spec.name, alt: spec.alt, width: WIDTH, height }), chart };
}

function shorten(label: string): string {
  return label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label;
}
