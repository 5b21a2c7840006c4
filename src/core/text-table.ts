// Tables as aligned monospace text, for the surfaces that show them in a code block or a terminal.

export interface TextTableOptions {
  /** Per column; default left. */
  align?: readonly ("left" | "right")[];
  /** Display width of a cell; UTF-16 length unless the surface counts otherwise. */
  width?: (text: string) => number;
  /** Most characters a line may take (a terminal's width); the widest columns are cut to fit. */
  maxWidth?: number;
  /** Columns never cut to fit (what the reader must see whole, like a numbered action). */
  keep?: readonly boolean[];
}

// A column is not cut below this (or its own width when narrower): "2026-1…" still says something.
const MIN_CUT = 8;

/**
 * Header, a rule of `─` under it, then the rows: each column padded to its widest cell, two spaces
 * between columns, no trailing spaces. `widths` lets a caller judge the table before showing it.
 */
export function textTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  opts: TextTableOptions = {},
): { widths: number[]; lines: string[] } {
  const width = opts.width ?? ((text: string) => text.length);
  const widths = header.map((h, c) => Math.max(width(h), ...rows.map((r) => width(r[c] ?? ""))));
  if (opts.maxWidth !== undefined) fit(widths, opts.maxWidth, opts.keep ?? []);
  const line = (cells: readonly string[]) =>
    cells
      .map((raw, c) => {
        const text = cut(raw, widths[c] ?? 0, width);
        const fill = " ".repeat(Math.max(0, (widths[c] ?? 0) - width(text)));
        return opts.align?.[c] === "right" ? fill + text : text + fill;
      })
      .join("  ")
      .trimEnd();
  return { widths, lines: [line(header), line(widths.map((w) => "─".repeat(w))), ...rows.map(line)] };
}

/** Narrows the widest column that may be cut, one character at a time, until the lines fit or nothing can give. */
function fit(widths: number[], maxWidth: number, keep: readonly boolean[]): void {
  const total = () => widths.reduce((sum, w) => sum + w, 0) + 2 * Math.max(0, widths.length - 1);
  while (total() > maxWidth) {
    let widest = -1;
    widths.forEach((w, c) => {
      if (!keep[c] && w > MIN_CUT && (widest < 0 || w > widths[widest]!)) widest = c;
    });
    if (widest < 0) return;
    widths[widest]!--;
  }
}

function cut(text: string, room: number, width: (text: string) => number): string {
  if (width(text) <= room) return text;
  let kept = [...text].slice(0, Math.max(0, room - 1));
  while (kept.length > 0 && width(kept.join("")) > room - 1) kept = kept.slice(0, -1);
  return `${kept.join("")}…`;
}
