// Tables as aligned monospace text, for the surfaces that show them in a code block or a terminal.

export interface TextTableOptions {
  /** Per column; default left. */
  align?: readonly ("left" | "right")[];
  /** Display width of a cell; UTF-16 length unless the surface counts otherwise. */
  width?: (text: string) => number;
}

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
  const line = (cells: readonly string[]) =>
    cells
      .map((text, c) => {
        const fill = " ".repeat(Math.max(0, (widths[c] ?? 0) - width(text)));
        return opts.align?.[c] === "right" ? fill + text : text + fill;
      })
      .join("  ")
      .trimEnd();
  return { widths, lines: [line(header), line(widths.map((w) => "─".repeat(w))), ...rows.map(line)] };
}
