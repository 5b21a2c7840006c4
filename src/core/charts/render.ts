import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type * as ResvgJs from "@resvg/resvg-js";
import type * as ECharts from "echarts";
import type { EChartsOption } from "echarts";
import type { Image } from "../reply.js";
import { encodePng } from "./png.js";
import { CHART_THEME } from "./theme.js";

// ECharts' ESM build is hundreds of modules (about 1 s to load); its CommonJS bundle loads in about
// 0.1 s. It, resvg (a native module) and the fonts are loaded when the first chart is drawn: most
// commands, and every one-shot `exec` without a chart, never need them.
const require = createRequire(import.meta.url);

// Fonts ship with BanBot (an npm package), not the host: a minimal server may have none at all.
function fontFiles(): string[] {
  const dir = join(dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
  return [join(dir, "DejaVuSansCondensed.ttf"), join(dir, "DejaVuSansCondensed-Bold.ttf")];
}

export interface ChartOptions {
  /** File name in the reply, e.g. `bans-over-time.png`. */
  name: string;
  /** What the chart shows, for screen readers and clients that do not load images. */
  alt: string;
  /** Layout size; the PNG is CHART_THEME.scale times larger. */
  width: number;
  height: number;
}

/** Draws an ECharts option on the themed card and returns it as a PNG reply image. */
export function renderChart(option: EChartsOption, opts: ChartOptions): Image {
  const echarts = require("echarts") as typeof ECharts;
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: opts.width, height: opts.height });
  let svg: string;
  try {
    chart.setOption({ animation: false, backgroundColor: "transparent", textStyle: { fontFamily: CHART_THEME.font }, ...option });
    svg = onCard(chart.renderToSVGString(), opts.width, opts.height);
  } finally {
    chart.dispose();
  }
  const { Resvg } = require("@resvg/resvg-js") as typeof ResvgJs;
  const rendered = new Resvg(svg, {
    fitTo: { mode: "zoom", value: CHART_THEME.scale },
    font: { fontFiles: fontFiles(), loadSystemFonts: false, defaultFontFamily: CHART_THEME.font },
  }).render();
  return { name: opts.name, alt: opts.alt, png: encodePng(rendered.pixels, rendered.width, rendered.height), width: rendered.width, height: rendered.height };
}

// The card is drawn under the chart rather than as ECharts' background, which cannot round corners.
function onCard(svg: string, width: number, height: number): string {
  const { card, border, radius } = CHART_THEME;
  const rect = `<rect x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" rx="${radius}" fill="${card}" stroke="${border}"/>`;
  const open = /^<svg[^>]*>/.exec(svg);
  if (!open) throw new Error("ECharts rendered no <svg> element");
  return `${open[0]}${rect}${svg.slice(open[0].length)}`;
}
