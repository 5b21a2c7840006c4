import { cellText, visibleReply, type Action, type Reply, type Table } from "../../core/reply.js";
import { textTable } from "../../core/text-table.js";
import type { ImageFate } from "./chart-files.js";

const MARK = { ok: "✔", info: "•", warn: "!", error: "✖" } as const;

// Tables are indented this much under the title.
const INDENT = 2;

/**
 * Reply → terminal text. Actions (reply buttons, per-row buttons, paging) are numbered in the order
 * they are listed here, so the console can run the one the user picks. `images` says where each of
 * the reply's images was written (a terminal cannot show a PNG in text). With `width` (a terminal's
 * columns), tables are cut to fit it rather than wrapping into an unreadable mess.
 */
export function renderText(original: Reply, opts: { images?: readonly ImageFate[]; width?: number } = {}): { text: string; actions: Action[] } {
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
  if (reply.table) {
    const maxWidth = opts.width === undefined ? undefined : opts.width - INDENT - 1;
    lines.push("", ...renderTable(reply.table, number, maxWidth).map((l) => `${" ".repeat(INDENT)}${l}`));
  }
  if (reply.paging) {
    const { page, pages, total, prev, next } = reply.paging;
    const nav = [prev && `${number(prev)} ${prev.label}`, next && `${number(next)} ${next.label}`].filter(Boolean);
    lines.push(`  page ${page} of ${pages} · ${total} in all${nav.length ? ` · ${nav.join("  ")}` : ""}`);
  }
  (reply.images ?? []).forEach((image, i) => {
    const fate = opts.images?.[i];
    if (!fate) lines.push(`  [image: ${image.alt}]`);
    else if ("path" in fate) lines.push(`  Chart: ${fate.path}`, `    ${image.alt}`);
    else lines.push(`  Chart not saved (${fate.error}): ${image.alt}`);
  });
  for (const note of reply.notes ?? []) lines.push(`  ${note}`);
  if (reply.actions?.length) lines.push("", `  ${reply.actions.map((a) => `${number(a)} ${a.label}`).join("   ")}`);
  return { text: lines.join("\n"), actions };
}

function renderTable(table: Table, number: (a: Action) => string, maxWidth: number | undefined): string[] {
  const rows = table.rows.map((row, i) => {
    const action = table.rowActions?.[i];
    const texts = row.map(cellText);
    return action ? [...texts, `${number(action)} ${action.label}`] : texts;
  });
  const withActions = table.rowActions?.some(Boolean) === true;
  const header = withActions ? [...table.columns, ""] : table.columns;
  // The numbered action stays whole: it is what the user types.
  const keep = header.map((_, c) => withActions && c === header.length - 1);
  return textTable(header, rows, { align: table.align, maxWidth, keep }).lines;
}
