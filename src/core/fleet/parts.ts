import type { HostPart } from "../command/model.js";
import type { Cell, Reply } from "../reply.js";

// A host's part of a summed or merged command (`top`, `stats`, `history` over several hosts) travels
// as a Reply: raw numbers in a table of fixed columns and in fields. Here the front reads one back,
// checked like any input: a part it cannot read (an older agent) is named, never guessed at.

/** A part's table rows as read by `row`, and its fields by label; undefined when its shape is not `columns`. */
export function readPart<T>(reply: Reply, columns: readonly string[], row: (cells: readonly Cell[]) => T | undefined): { rows: T[]; fields: ReadonlyMap<string, string> } | undefined {
  const table = reply.table ?? { columns: [...columns], rows: [] };
  if (table.columns.length !== columns.length || table.columns.some((c, i) => c !== columns[i])) return undefined;
  const rows: T[] = [];
  for (const cells of table.rows) {
    const read = cells.length === columns.length ? row(cells) : undefined;
    if (read === undefined) return undefined;
    rows.push(read);
  }
  return { rows, fields: new Map((reply.fields ?? []).map((f) => [f.label, f.value])) };
}

/** A field holding a count (a whole number ≥ 0), or undefined. */
export function countField(fields: ReadonlyMap<string, string>, label: string): number | undefined {
  const text = fields.get(label);
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

/** Each part read by `read`; those it cannot read are `unread`. */
export function readParts<T>(parts: readonly HostPart[], read: (reply: Reply) => T | undefined): { read: { host: string; part: T }[]; unread: string[] } {
  const ok: { host: string; part: T }[] = [];
  const unread: string[] = [];
  for (const { host, reply } of parts) {
    const part = read(reply);
    if (part === undefined) unread.push(host);
    else ok.push({ host, part });
  }
  return { read: ok, unread };
}

export const isCount = (cell: Cell | undefined): cell is number => typeof cell === "number" && Number.isInteger(cell) && cell >= 0;
export const isText = (cell: Cell | undefined): cell is string => typeof cell === "string";

/** The hosts, by name when few, else how many of all. */
export function hostsLabel(hosts: readonly string[], of: number): string {
  return hosts.length <= 3 ? hosts.join(", ") : `${hosts.length} of ${of}`;
}
