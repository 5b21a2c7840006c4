import {
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIComponentInContainer,
  type APIComponentInMessageActionRow,
  type APIMessageTopLevelComponent,
  type APITextDisplayComponent,
} from "discord.js";
import { cellText, pageLabel, rowActionLabel, type Action, type Reply, type Table } from "../../core/reply.js";
import { chunk } from "../chunk.js";
import { buttonMaker, type ActionRef } from "./components.js";
import { clip, fitMarkdown, markdown } from "./escape.js";
import { COMPONENTS, V2 } from "./limits.js";
import { placeImages, TONE_COLOR, type MessageFile } from "./render.js";
import { rowLine, tableBlock } from "./table.js";

/** A Reply as a Components V2 message: the components are all of it (no content, no embeds). */
export interface V2Message {
  v2: true;
  components: APIMessageTopLevelComponent[];
  files: MessageFile[];
  ephemeral: boolean;
}

export interface ViewOptions {
  /**
   * The read-only command line that gives this reply when run again. With it, a table longer than
   * a message holds is shown a part (view) at a time with Next and Prev; without, it is cut.
   */
  source?: string;
  /** Which view to show; negative counts from the last. */
  view?: number;
}

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

// Kept back for the "by @user" line the sender adds under a clicked result.
const BYLINE = { components: 1, text: 40 };
const HEAD_TEXT = 1500;
const FIELDS_TEXT = 1000;
const FOOTER_TEXT = 400;
const ROW_TEXT = 300;

/**
 * Reply → one Container in the tone's accent colour: title and text, fields, the table (a Section
 * per row with its action as the button beside it, or aligned text), images, then paging and the
 * reply's buttons. Pure, and within Discord's limits of 40 components and 4000 characters.
 */
export function renderV2(reply: Reply, ref: ActionRef, opts: ViewOptions = {}): V2Message {
  const button = buttonMaker(ref);
  const notes: string[] = [];
  const head = [`### ${fitMarkdown(reply.title, 256)}`, reply.text ? fitMarkdown(reply.text, HEAD_TEXT) : ""].filter(Boolean).join("\n");
  const fields = fieldsText(reply, notes);
  const files = placeImages(reply.images ?? [], notes);
  const pagingRoom = reply.table || reply.paging ? 3 : 0;

  // The reply's own buttons come before the table's rows, which can go on in another view.
  const fixed = 1 + 1 + (fields ? 1 : 0) + (files.length ? 1 : 0) + 1 + BYLINE.components + pagingRoom;
  const actionRows: Row[] = [];
  let used = fixed;
  for (const group of chunk(reply.actions ?? [], COMPONENTS.buttonsPerRow)) {
    const cost = 1 + group.length;
    if (used + cost > V2.components - (reply.table ? 3 : 0)) {
      notes.push(`${(reply.actions ?? []).length - actionRows.reduce((n, r) => n + r.components.length, 0)} more buttons did not fit`);
      break;
    }
    actionRows.push({ type: ComponentType.ActionRow, components: group.map((a) => button(a)) });
    used += cost;
  }

  const textUsed = head.length + fields.length + FOOTER_TEXT + BYLINE.text;
  const table = reply.table ? tableViews(reply.table, { components: V2.components - used, text: V2.text - textUsed }) : undefined;
  let shown: APIComponentInContainer[] = [];
  let rows = "";
  const nav: APIButtonComponentWithCustomId[] = [];
  if (table) {
    const count = table.views.length;
    const view = Math.min(Math.max(0, (opts.view ?? 0) < 0 ? count + (opts.view ?? 0) : (opts.view ?? 0)), count - 1);
    const local = opts.source !== undefined && count > 1;
    const [start, end] = table.views[view] ?? [0, 0];
    shown = table.render(start, end, button);
    const n = reply.table!.rows.length;
    if (count > 1 && local) rows = `Rows ${start + 1}–${end} of ${n}`;
    else if (end < n) notes.push(`${n - end} of ${n} rows not shown`);
    const again = (label: string, to: number) => button({ label, command: opts.source! }, label, `v${to}:`);
    if (local && view > 0) nav.push(again("Prev", view - 1));
    else if (reply.paging?.prev) nav.push(opts.source === undefined ? button(reply.paging.prev) : button(reply.paging.prev, undefined, "v-1:"));
    if (local && view < count - 1) nav.push(again("Next", view + 1));
    else if (reply.paging?.next) nav.push(button(reply.paging.next));
  } else {
    if (reply.paging?.prev) nav.push(button(reply.paging.prev));
    if (reply.paging?.next) nav.push(button(reply.paging.next));
  }

  const text = (content: string): APITextDisplayComponent => ({ type: ComponentType.TextDisplay, content });
  const status = [rows, reply.paging ? pageLabel(reply.paging) : ""].filter(Boolean).join(" · ");
  const footer = [status, ...(reply.notes ?? []).map(markdown), ...notes.map((n) => `Cut to fit Discord: ${n}.`)]
    .filter(Boolean)
    .map((line) => `-# ${line}`)
    .join("\n");
  const container: APIComponentInContainer[] = [
    text(head),
    ...(fields ? [text(fields)] : []),
    ...shown,
    ...(files.length ? [{ type: ComponentType.MediaGallery as const, items: files.map((f) => ({ media: { url: `attachment://${f.name}` }, description: f.description })) }] : []),
    ...(footer ? [text(clip(footer, FOOTER_TEXT))] : []),
    ...(nav.length ? [{ type: ComponentType.ActionRow as const, components: nav }] : []),
    ...actionRows,
  ];
  return {
    v2: true,
    components: [{ type: ComponentType.Container, accent_color: TONE_COLOR[reply.tone], components: container }],
    files,
    ephemeral: reply.private === true,
  };
}

/** "**Bans**: 12" per field, a value of several lines below its label; fields that do not fit are left out. */
function fieldsText(reply: Reply, notes: string[]): string {
  const lines: string[] = [];
  let length = 0;
  const all = reply.fields ?? [];
  for (const { label, value } of all) {
    const shown = fitMarkdown(value, 1024) || "—";
    const line = value.includes("\n") ? `**${fitMarkdown(label, 256)}**\n${shown}` : `**${fitMarkdown(label, 256)}**: ${shown}`;
    if (length + line.length + 1 > FIELDS_TEXT) {
      notes.push(`${all.length - lines.length} fields not shown`);
      break;
    }
    lines.push(line);
    length += line.length + 1;
  }
  // Fields of several lines read apart; single lines stay together.
  return lines.join(lines.some((l) => l.includes("\n")) ? "\n\n" : "\n");
}

type MakeButton = ReturnType<typeof buttonMaker>;

interface TableViews {
  /** [start, end) of the rows in each view, covering the table from its first row. */
  views: [number, number][];
  render(start: number, end: number, button: MakeButton): APIComponentInContainer[];
}

/**
 * Splits a table into views that each fit the room left. With row actions, a row is a Section (its
 * text and its button: three components) or, without an action, a text display; otherwise the rows
 * are one aligned text block, as many as fit its characters.
 */
function tableViews(table: Table, room: { components: number; text: number }): TableViews {
  const n = table.rows.length;
  const views: [number, number][] = [];
  if (table.rowActions?.some(Boolean)) {
    const line = (i: number) => clip(rowLine(table.columns, table.rows[i]!.map(cellText)), ROW_TEXT);
    for (let start = 0; start < n; ) {
      let end = start;
      let components = 0;
      let text = 0;
      while (end < n) {
        const cost = table.rowActions[end] ? 3 : 1;
        const length = line(end).length;
        if (end > start && (components + cost > room.components || text + length > room.text)) break;
        components += cost;
        text += length;
        end++;
      }
      views.push([start, end]);
      start = end;
    }
    return {
      views,
      render: (start, end, button) =>
        table.rows.slice(start, end).map((cells, k): APIComponentInContainer => {
          const i = start + k;
          const content: APITextDisplayComponent = { type: ComponentType.TextDisplay, content: line(i) };
          const action: Action | undefined = table.rowActions?.[i];
          if (!action) return content;
          return { type: ComponentType.Section, components: [content], accessory: button(action, rowActionLabel(table, i) ?? action.label) };
        }),
    };
  }
  const blocks: string[] = [];
  for (let start = 0; start < n; ) {
    const fitted = tableBlock({ ...table, rows: table.rows.slice(start) }, room.text);
    const shown = Math.max(1, n - start - fitted.hidden);
    blocks.push(fitted.text || clip(rowLine(table.columns, table.rows[start]!.map(cellText)), room.text));
    views.push([start, start + shown]);
    start += shown;
  }
  return { views, render: (start) => [{ type: ComponentType.TextDisplay, content: blocks[views.findIndex(([s]) => s === start)] ?? "" }] };
}
