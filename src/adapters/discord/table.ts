import { cellText, withoutCodeMarks, type Table } from "../../core/reply.js";
import { textTable } from "../../core/text-table.js";
import { markdown } from "./escape.js";

// Narrow tables become aligned monospace text in a code block: embeds have no table layout, and
// fields (three per line at best) lose the columns. Inside a code block Discord renders no markdown
// and no mentions, so only a run of backticks could break out; cells get a look-alike instead.
// An embed wraps code lines past about 60 characters, which scrambles the columns, so wider tables
// become one line per row instead: the first cell, then the others labelled by their column.

const FENCE = "```";
/** Widest aligned line that an embed shows without wrapping (desktop client, default font size). */
const TABLE_WIDTH = 60;

function cell(text: string): string {
  return withoutCodeMarks(text).replaceAll("`", "ˋ").replaceAll("\n", " ");
}

/** Display width in a monospace font, counting code points (close enough for IPs, names and numbers). */
const width = (text: string): number => [...text].length;

/**
 * The table in at most `max` characters, keeping as many leading rows as fit. Returns how many rows
 * were left out so the caller can say so.
 */
export function tableBlock(table: Table, max: number): { text: string; hidden: number } {
  const header = table.columns.map(cell);
  const texts = table.rows.map((r) => r.map(cellText));
  const rows = texts.map((r) => header.map((_, c) => cell(r[c] ?? "")));
  const { widths, lines } = textTable(header, rows, { align: table.align, width });
  const aligned = widths.reduce((sum, w) => sum + w, 0) + 2 * Math.max(0, widths.length - 1);
  if (aligned > TABLE_WIDTH) return fitLines(texts.map((r) => rowLine(table.columns, r)), [], max, 0);
  const fitted = fitLines(lines.slice(2), [`${FENCE}\n${lines[0]}`, lines[1]!], max, FENCE.length + 1);
  return fitted.text ? { ...fitted, text: `${fitted.text}\n${FENCE}` } : fitted;
}

/** "alpha — banned: 2 · total: 5": a row of a wide table as one line of markdown. */
export function rowLine(columns: readonly string[], cells: readonly string[]): string {
  const [first = "", ...rest] = cells;
  const labelled = rest.flatMap((value, i) => {
    if (!value) return [];
    const label = columns[i + 1];
    return [label ? `${markdown(label)}: ${markdown(value)}` : markdown(value)];
  });
  return [markdown(first), labelled.join(" · ")].filter(Boolean).join(" — ");
}

/** `head` then as many `lines` as fit in `max`, with `reserve` characters kept for a closing line. */
function fitLines(lines: readonly string[], head: readonly string[], max: number, reserve: number): { text: string; hidden: number } {
  const out = [...head];
  let used = head.join("\n").length + reserve;
  if (used > max) return { text: "", hidden: lines.length };
  for (const line of lines) {
    const cost = line.length + (out.length > 0 ? 1 : 0);
    if (used + cost > max) break;
    out.push(line);
    used += cost;
  }
  return { text: out.join("\n"), hidden: lines.length - (out.length - head.length) };
}
