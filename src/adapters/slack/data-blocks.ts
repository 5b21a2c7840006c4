import type { types } from "@slack/bolt";
import { cellText, withoutCodeMarks, type Cell as TableCell, type ChartData, type Table } from "../../core/reply.js";
import { cut, plainText } from "./escape.js";
import { DATA_LIMITS, TABLE_CELL_CHARS } from "./limits.js";

// Slack's native table and chart blocks. Both are new (2026), and a workspace that does not have
// them refuses the whole message with invalid_blocks; the caller then sends today's rendering.

/** The blocks a workspace may not have yet. */
export type DataBlockKind = "data_table" | "data_visualization";

/** docs.slack.dev "Data visualization block"; @slack/types 3.2 has no type for it yet. */
export interface DataVisualizationBlock {
  type: "data_visualization";
  title: string;
  block_id?: string;
  chart: {
    type: "bar" | "line";
    series: { name: string; data: { label: string; value: number }[] }[];
    axis_config: { categories: string[]; x_label?: string; y_label?: string };
  };
}

type Cell = types.RawTextElement | types.RawNumberElement;

/**
 * A table as a data_table block: a header row of raw_text, then a row per table row; a right-aligned
 * column of numbers becomes raw_number cells, which Slack sorts as numbers. Undefined when the table
 * does not fit the block (over 100 rows, 20 columns or 10,000 characters): text shows it instead.
 */
export function dataTableBlock(table: Table, caption: string): types.DataTableBlock | undefined {
  if (table.rows.length === 0 || table.rows.length > DATA_LIMITS.tableRows || table.columns.length > DATA_LIMITS.tableColumns) return undefined;
  const text = (value: TableCell) => plainText(cut(withoutCodeMarks(cellText(value)).replace(/\s*\n\s*/g, " ").trim(), TABLE_CELL_CHARS)) || "—";
  const numeric = table.columns.map((_, c) => table.align?.[c] === "right" && table.rows.every((r) => r[c] === undefined || r[c] === "" || numberIn(r[c]) !== undefined));
  const header: Cell[] = table.columns.map((name) => ({ type: "raw_text", text: text(name) }));
  const rows = table.rows.map((row) =>
    table.columns.map((_, c): Cell => {
      const shown = text(row[c] ?? "");
      const value = numeric[c] ? numberIn(row[c] ?? "") : undefined;
      return value === undefined ? { type: "raw_text", text: shown } : { type: "raw_number", value, text: shown };
    }),
  );
  const chars = [header, ...rows].flat().reduce((n, cell) => n + cell.text.length, 0);
  if (chars > DATA_LIMITS.tableChars) return undefined;
  return {
    type: "data_table",
    caption: cut(plainText(withoutCodeMarks(caption)), 150),
    rows: [header, ...rows],
    page_size: Math.min(rows.length, DATA_LIMITS.pageSize),
  };
}

/** "1,234" → 1234, "12.5%" → 12.5; anything else is not a number. */
function numberIn(cell: TableCell): number | undefined {
  if (typeof cell === "number") return cell;
  const m = /^(-?[\d,]*\.?\d+)%?$/.exec(cell.trim());
  return m ? Number(m[1]!.replace(/,/g, "")) : undefined;
}

/**
 * A chart as a data_visualization block, within Slack's limits: a ranking is a bar chart; a
 * timeline a bar chart of one series or a line per series (grouped bars of several jails over many
 * buckets would be unreadable). Beyond 6 series the smallest are summed as "other"; beyond 20
 * categories neighbouring time buckets are summed, and the title says how many each point holds.
 */
export function chartBlock(chart: ChartData): DataVisualizationBlock {
  const { categories, series, per } = fold(chart);
  const names = uniqueLabels(series.map((s) => s.name));
  const labels = uniqueLabels(categories);
  const title = per > 1 ? `${chart.title} (${per} per point)` : chart.title;
  return {
    type: "data_visualization",
    title: cut(plainText(title), DATA_LIMITS.chartTitleChars),
    chart: {
      type: chart.kind === "timeline" && series.length > 1 ? "line" : "bar",
      series: series.map((s, i) => ({ name: names[i]!, data: labels.map((label, j) => ({ label, value: s.values[j] ?? 0 })) })),
      axis_config: { categories: labels, ...(chart.kind === "timeline" ? { x_label: "UTC" } : {}), y_label: cut(plainText(chart.valueLabel), DATA_LIMITS.chartLabelChars) },
    },
  };
}

function fold(chart: ChartData): { categories: string[]; series: ChartData["series"]; per: number } {
  let series = chart.series;
  if (series.length > DATA_LIMITS.chartSeries) {
    const rest = series.slice(DATA_LIMITS.chartSeries - 1);
    const other = { name: `other (${rest.length})`, values: chart.categories.map((_, i) => rest.reduce((n, s) => n + (s.values[i] ?? 0), 0)) };
    series = [...series.slice(0, DATA_LIMITS.chartSeries - 1), other];
  }
  if (chart.categories.length <= DATA_LIMITS.chartCategories) return { categories: chart.categories, series, per: 1 };
  if (chart.kind === "ranking") {
    // A ranking is largest first: the tail is what gives way.
    const keep = DATA_LIMITS.chartCategories;
    return { categories: chart.categories.slice(0, keep), series: series.map((s) => ({ ...s, values: s.values.slice(0, keep) })), per: 1 };
  }
  const per = Math.ceil(chart.categories.length / DATA_LIMITS.chartCategories);
  const groups = Math.ceil(chart.categories.length / per);
  const range = Array.from({ length: groups }, (_, g) => g * per);
  return {
    categories: range.map((at) => chart.categories[at]!),
    series: series.map((s) => ({ ...s, values: range.map((at) => s.values.slice(at, at + per).reduce((a, b) => a + b, 0)) })),
    per,
  };
}

/** Labels cut to Slack's 20 characters, kept distinct: a data point names its category by label. */
function uniqueLabels(labels: readonly string[]): string[] {
  const seen = new Set<string>();
  return labels.map((raw) => {
    const base = plainText(raw.trim()) || "—";
    let label = cut(base, DATA_LIMITS.chartLabelChars);
    for (let n = 2; seen.has(label); n++) label = `${cut(base, DATA_LIMITS.chartLabelChars - String(n).length - 1)} ${n}`;
    seen.add(label);
    return label;
  });
}
