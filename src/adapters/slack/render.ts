import type { types } from "@slack/bolt";
import { pageLabel, rowActionLabel, visibleReply, type Image, type Paging, type Reply, type Table } from "../../core/reply.js";
import { actionsBlocks, contextBlocks, fieldsBlocks, headerBlock, packLines, sectionBlock } from "./blocks.js";
import { createButtonMaker, type ButtonMaker } from "./buttons.js";
import { chartBlock, dataTableBlock, type DataBlockKind, type DataVisualizationBlock } from "./data-blocks.js";
import { cut, mrkdwn, plainText, preformatted } from "./escape.js";
import { DATA_LIMITS, SLACK_LIMITS } from "./limits.js";
import { tableLines } from "./render-table.js";

export type SlackBlock = types.KnownBlock | DataVisualizationBlock;

export interface SlackMessage {
  /** Notification and screen-reader text; the blocks are what people see. */
  text: string;
  blocks: SlackBlock[];
}

export interface RenderOptions {
  /** Who pressed which button, shown under a reply that replaced the message the button was on. */
  attribution?: { label: string; userId: string };
  /** The reply's images could not be shared with it (files cannot be ephemeral). */
  imagesWithheld?: boolean;
  /** Slack's data table and chart blocks this workspace takes; without them, text tables and images. */
  dataBlocks?: ReadonlySet<DataBlockKind>;
}

const TONE_MARKS = { ok: "✅", info: "ℹ️", warn: "⚠️", error: "❌" } as const;
const FENCE = "```";

/** Reply → Block Kit. Pure: the same reply always gives the same message, within Slack's limits. */
export function renderReply(original: Reply, opts: RenderOptions = {}): SlackMessage {
  const reply = visibleReply(original);
  const buttons = createButtonMaker();
  const dataBlocks = opts.dataBlocks ?? new Set();
  const title = `${TONE_MARKS[reply.tone]} ${reply.title}`;
  const body: SlackBlock[] = [
    headerBlock(plainText(title)),
    ...(reply.text ? packLines(mrkdwn(reply.text).split("\n"), SLACK_LIMITS.textChars).map(sectionBlock) : []),
    ...fieldsBlocks((reply.fields ?? []).map((f) => `*${mrkdwn(f.label)}*\n${mrkdwn(f.value)}`)),
    ...(reply.table ? tableBlocks(reply.table, buttons, dataBlocks.has("data_table") ? reply.title : undefined) : []),
    ...drawnCharts(reply, dataBlocks).map((image) => chartBlock(image.chart!)),
  ];
  const paging = reply.paging ? pagingBlocks(reply.paging, buttons) : [];
  const actions = actionsBlocks(present((reply.actions ?? []).map((a) => buttons.make(a))));
  const notes = (reply.notes ?? []).map(mrkdwn);
  const uploads = imagesToUpload(reply, dataBlocks);
  if (opts.imagesWithheld && uploads.length) {
    notes.push(`${uploads.length} chart(s) left out: Slack cannot attach files to a reply only you can see.`);
  }
  if (buttons.omitted.length > 0) {
    notes.push(`Left out button(s) ${buttons.omitted.map((l) => `"${plainText(l)}"`).join(", ")}: the command is longer than Slack allows; type it instead.`);
  }
  const tail = [...paging, ...contextBlocks(notes), ...actions, ...(opts.attribution ? [attributionBlock(opts.attribution)] : [])];
  return { text: cut(mrkdwn(title), SLACK_LIMITS.fallbackChars), blocks: fit(body, tail) };
}

/** Images drawn as chart blocks: those with chart data, as many as a message takes. */
function drawnCharts(reply: Reply, dataBlocks: ReadonlySet<DataBlockKind>): Image[] {
  if (!dataBlocks.has("data_visualization")) return [];
  return (reply.images ?? []).filter((image) => image.chart).slice(0, DATA_LIMITS.chartsPerMessage);
}

/** The reply's images that go out as files: all of them, less those drawn as chart blocks. */
export function imagesToUpload(reply: Reply, dataBlocks: ReadonlySet<DataBlockKind> = new Set()): Image[] {
  const drawn = new Set(drawnCharts(reply, dataBlocks));
  return (reply.images ?? []).filter((image) => !drawn.has(image));
}

/** A data table when the workspace takes one (`caption` given) and the table fits it, else monospace text. */
function tableBlocks(table: Table, buttons: ButtonMaker, caption: string | undefined): SlackBlock[] {
  const native = caption === undefined ? undefined : dataTableBlock(table, caption);
  const wrap = (text: string) => `${FENCE}\n${text}\n${FENCE}`;
  const sections = native ? [native] : packLines(tableLines(table).map(preformatted), SLACK_LIMITS.textChars, wrap("").length, wrap).map(sectionBlock);
  // A per-row button is named after the row's subject, the thing it acts on ("Unban 192.0.2.1").
  const rowButtons = (table.rowActions ?? []).map((action, i) => (action ? buttons.make(action, rowActionLabel(table, i)) : undefined));
  return [...sections, ...actionsBlocks(present(rowButtons))];
}

function pagingBlocks(paging: Paging, buttons: ButtonMaker): types.KnownBlock[] {
  const nav = present([paging.prev && buttons.make(paging.prev), paging.next && buttons.make(paging.next)]);
  return [...contextBlocks([pageLabel(paging)]), ...actionsBlocks(nav)];
}

function attributionBlock({ label, userId }: { label: string; userId: string }): types.ContextBlock {
  // The user ID comes from Slack's signed payload; anything else is shown, not linked.
  const who = /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : mrkdwn(userId);
  return contextBlocks([`${mrkdwn(label)} by ${who}`])[0]!;
}

/**
 * Keeps the message within Slack's block limit. The tail (paging, notes, buttons, attribution) is
 * what lets people act and continue, so the body gives way, with a note saying so.
 */
function fit(body: SlackBlock[], tail: SlackBlock[]): SlackBlock[] {
  const max = SLACK_LIMITS.blocksPerMessage;
  if (body.length + tail.length <= max) return [...body, ...tail];
  const keptTail = tail.slice(-(max - 2));
  const keptBody = body.slice(0, max - 1 - keptTail.length);
  const dropped = body.length - keptBody.length + tail.length - keptTail.length;
  const note = `Cut short: ${dropped} more part(s) did not fit (Slack shows at most ${max} blocks in a message).`;
  return [...keptBody, ...contextBlocks([note]), ...keptTail];
}

function present<T>(items: readonly (T | undefined)[]): T[] {
  return items.filter((item): item is T => item !== undefined);
}
