import { visibleReply, type Action, type Reply, type Table } from "../../core/reply.js";
import { textTable } from "../../core/text-table.js";

const MARK = { ok: "✔", info: "•", warn: "!", error: "✖" } as const;

/**
 * Reply → terminal text. Actions (reply buttons, per-row buttons, paging) are numbered in the order
 * they are listed here, so the console can run the one the user picks.
 */
export function renderText(original: Reply): { text: string; actions: Action[] } {
  const reply = visibleReply(original);
  const lines: string[] = [`${MARK[reply.tone]} ${reply.title}`];
  const actions: Action[] = [];
  const number = (action: Action) => {
    actions.push(action);
    return `[${actions.length}]`;
  };
  if (reply.text) lines.push(...reply.text.split("\n").map((l) => `  ${l}`));
  if (reply.fields?.length) {
    const width = Math.max(...reply.fields.map((f) => f.label.length));
    for (const f of reply.fields) {
      const [first = "", ...more] = f.value.split("\n");
      lines.push(`  ${f.label.padEnd(width)}  ${first}`, ...more.map((m) => `  ${" ".repeat(width)}  ${m}`));
    }
  }
  if (reply.table) lines.push("", ...renderTable(reply.table, number).map((l) => `  ${l}`));
  if (reply.paging) {
    const { page, pages, total, prev, next } = reply.paging;
    const nav = [prev && `${number(prev)} ${prev.label}`, next && `${number(next)} ${next.label}`].filter(Boolean);
    lines.push(`  page ${page} of ${pages} · ${total} in all${nav.length ? ` · ${nav.join("  ")}` : ""}`);
  }
  for (const image of reply.images ?? []) lines.push(`  [image: ${image.alt}]`);
  for (const note of reply.notes ?? []) lines.push(`  ${note}`);
  if (reply.actions?.length) lines.push("", `  ${reply.actions.map((a) => `${number(a)} ${a.label}`).join("   ")}`);
  return { text: lines.join("\n"), actions };
}

function renderTable(table: Table, number: (a: Action) => string): string[] {
  const rows = table.rows.map((row, i) => {
    const action = table.rowActions?.[i];
    return action ? [...row, `${number(action)} ${action.label}`] : row;
  });
  const header = table.rowActions?.some(Boolean) ? [...table.columns, ""] : table.columns;
  return textTable(header, rows, { align: table.align }).lines;
}
