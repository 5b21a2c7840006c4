import { cellText, withoutCodeMarks, type Table } from "../../core/reply.js";
import { textTable } from "../../core/text-table.js";
import { TABLE_CELL_CHARS } from "./limits.js";

/**
 * A table as aligned monospace lines (header, rule, rows), unescaped. Slack has no table that works
 * in every client and in ephemeral messages, and a ``` block keeps columns aligned everywhere.
 */
export function tableLines(table: Table): string[] {
  const cell = (text: string) => clip(withoutCodeMarks(text).replace(/\s*\n\s*/g, " "));
  const header = table.columns.map(cell);
  const rows = table.rows.map((row) => header.map((_, c) => cell(cellText(row[c] ?? ""))));
  return textTable(header, rows, { align: table.align }).lines;
}

function clip(text: string): string {
  return text.length <= TABLE_CELL_CHARS ? text : `${text.slice(0, TABLE_CELL_CHARS - 1)}…`;
}
