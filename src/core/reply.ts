import { visibleText } from "./text.js";

// The neutral reply every command returns and every surface renders (console text, Slack Block Kit,
// Discord embeds). Text here is plain: adapters escape it for their markup, so log lines and jail
// names can never mention or format anything. `code` spans in backticks are the one convention.

export type Tone = "ok" | "info" | "warn" | "error";

export interface Field {
  label: string;
  value: string;
}

/** A button: running it is exactly running `command` as the person who clicks. */
export interface Action {
  label: string;
  command: string;
  style?: "primary" | "danger";
}

/** A count is a number, so `exec --json` gives scripts numbers; surfaces show it with `cellText`. */
export type Cell = string | number;

export interface Table {
  columns: string[];
  rows: Cell[][];
  /** Per column; default left. */
  align?: ("left" | "right")[];
  /** One optional action per row (e.g. Unban), aligned with `rows`. */
  rowActions?: (Action | undefined)[];
  /** The column that names what a row is about (the address, the jail), when not the first. */
  subjectColumn?: number;
}

export interface Paging {
  page: number;
  pages: number;
  total: number;
  prev?: Action;
  next?: Action;
}

export interface Image {
  name: string;
  png: Uint8Array;
  alt: string;
  width: number;
  height: number;
  /** The numbers the PNG was drawn from, for surfaces that draw charts themselves (Slack). */
  chart?: ChartData;
}

/**
 * A chart as data: a value per category in each series. A ranking lists things largest first (one
 * series); a timeline lists time buckets oldest first (a series per jail, stacked in the PNG).
 */
export interface ChartData {
  kind: "ranking" | "timeline";
  title: string;
  categories: string[];
  series: { name: string; values: number[] }[];
  /** What the values count ("bans"), for the value axis. */
  valueLabel: string;
}

export interface Reply {
  title: string;
  tone: Tone;
  text?: string;
  fields?: Field[];
  table?: Table;
  paging?: Paging;
  /** Small print under the body. */
  notes?: string[];
  images?: Image[];
  actions?: Action[];
  /** Only the person who asked should see it: errors, refusals, confirmations. */
  private?: boolean;
}

/** A cell as people read it: counts with thousands separators ("12,345"). */
export function cellText(cell: Cell): string {
  return typeof cell === "number" ? cell.toLocaleString("en") : cell;
}

/**
 * What a row's button says where it stands apart from its row (a Slack actions block, a Discord
 * accessory or menu): the action and the row's subject, "Unban 192.0.2.1", "History 203.0.113.5".
 */
export function rowActionLabel(table: Table, row: number): string | undefined {
  const action = table.rowActions?.[row];
  if (!action) return undefined;
  const subject = withoutCodeMarks(cellText(table.rows[row]?.[table.subjectColumn ?? 0] ?? ""));
  return `${action.label} ${subject}`.trim();
}

/** The cells of a row other than its subject, for a description beside its button. */
export function rowDetail(table: Table, row: number): string {
  const subject = table.subjectColumn ?? 0;
  return withoutCodeMarks((table.rows[row] ?? []).filter((_, c) => c !== subject).map(cellText).filter(Boolean).join(" · "));
}

/** "Page 2 of 5 · 93 in all", under a paged listing. */
export function pageLabel({ page, pages, total }: Paging): string {
  return `Page ${page} of ${pages} · ${total} in all`;
}

const CODE_SPAN = /`([^`\n]+)`/g;

/** The `code` convention dropped, for places that are all code already (tables) or show no markup. */
export function withoutCodeMarks(text: string): string {
  return text.replace(CODE_SPAN, "$1");
}

/** Text rebuilt span by span: `prose` renders what lies between code spans, `code` each span's content. */
export function mapCodeSpans(text: string, render: { prose: (text: string) => string; code: (content: string) => string }): string {
  let out = "";
  let at = 0;
  for (const match of text.matchAll(CODE_SPAN)) {
    out += render.prose(text.slice(at, match.index)) + render.code(match[1]!);
    at = match.index + match[0].length;
  }
  return out + render.prose(text.slice(at));
}

/**
 * The reply with every text people read passed through visibleText; button commands stay as they
 * are (they are run, not read). Each surface applies it once, where a reply leaves for it, before
 * its own escaping adds the zero-width characters that break mentions.
 */
export function visibleReply(reply: Reply): Reply {
  const action = (a: Action): Action => ({ ...a, label: visibleText(a.label) });
  const { table, paging } = reply;
  return {
    ...reply,
    title: visibleText(reply.title),
    ...(reply.text === undefined ? {} : { text: visibleText(reply.text) }),
    ...(reply.fields ? { fields: reply.fields.map((f) => ({ label: visibleText(f.label), value: visibleText(f.value) })) } : {}),
    ...(table
      ? {
          table: {
            ...table,
            columns: table.columns.map(visibleText),
            rows: table.rows.map((row) => row.map((cell) => (typeof cell === "number" ? cell : visibleText(cell)))),
            ...(table.rowActions ? { rowActions: table.rowActions.map((a) => a && action(a)) } : {}),
          },
        }
      : {}),
    ...(paging ? { paging: { ...paging, prev: paging.prev && action(paging.prev), next: paging.next && action(paging.next) } } : {}),
    ...(reply.notes ? { notes: reply.notes.map(visibleText) } : {}),
    ...(reply.images ? { images: reply.images.map((i) => ({ ...i, alt: visibleText(i.alt) })) } : {}),
    ...(reply.actions ? { actions: reply.actions.map(action) } : {}),
  };
}

export function errorReply(message: string, title = "Cannot do that"): Reply {
  return { title, tone: "error", text: message, private: true };
}
