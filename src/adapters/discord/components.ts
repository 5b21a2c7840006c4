import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIComponentInMessageActionRow,
  type APISelectMenuOption,
  type APIStringSelectComponent,
} from "discord.js";
import { rowActionLabel, rowDetail, withoutCodeMarks, type Action, type Reply } from "../../core/reply.js";
import { chunk } from "../chunk.js";
import { clip } from "./escape.js";
import { COMPONENTS } from "./limits.js";

export type ActionRow = APIActionRowComponent<APIComponentInMessageActionRow>;

/**
 * Turns a command line into the reference a component carries, in at most `room` characters (the
 * command itself when it fits, else a key to it). Injected so the renderer stays pure.
 */
export type ActionRef = (command: string, room: number) => string;

// Buttons get a slot prefix: Discord refuses two components with one custom_id in a message, and
// two buttons may run the same command (an alert's Unban beside a row's Unban).
export const BUTTON_ID = /^b\d+:/;
/** A button showing another view (part) of a long table: `v<view>:` and the command to run again. */
export const VIEW_ID = /^v(-?\d+):/;
export const SELECT_ID = /^s\d+$/;

const STYLE = { primary: ButtonStyle.Primary, danger: ButtonStyle.Danger } as const;
/** Up to this many row actions are buttons; more become select menus (one row, 25 choices each). */
const ROW_BUTTONS = COMPONENTS.buttonsPerRow;

interface Rows {
  rows: ActionRow[];
  /** What did not fit, for the footer. */
  notes: string[];
}

/**
 * Rows are given out by importance (paging, the reply's own actions, then per-row actions in what is
 * left) and shown table-first: per-row actions, paging, then the reply's actions.
 */
export function renderComponents(reply: Reply, ref: ActionRef): Rows {
  const button = buttonMaker(ref);
  const row = (components: APIComponentInMessageActionRow[]): ActionRow => ({ type: ComponentType.ActionRow, components });
  const notes: string[] = [];

  const nav = [reply.paging?.prev, reply.paging?.next].filter((a): a is Action => a !== undefined);
  const navRows = nav.length > 0 ? [row(nav.map((a) => button(a)))] : [];
  const actions = chunk(reply.actions ?? [], COMPONENTS.buttonsPerRow);
  const room = COMPONENTS.rows - navRows.length;
  const actionRows = actions.slice(0, room).map((group) => row(group.map((a) => button(a))));
  const droppedActions = actions.slice(room).flat().length;
  if (droppedActions > 0) notes.push(`${droppedActions} more buttons did not fit`);

  const perRow = rowActions(reply);
  const left = room - actionRows.length;
  let tableRows: ActionRow[] = [];
  if (perRow.length > 0 && perRow.length <= ROW_BUTTONS && left > 0) {
    tableRows = [row(perRow.map(({ action, label }) => button(action, label)))];
  } else if (perRow.length > 0) {
    const menus = chunk(dedupe(perRow, ref), COMPONENTS.selectOptions);
    tableRows = menus.slice(0, left).map((options, i) => row([select(`s${i}`, options, perRow)]));
    const dropped = menus.slice(left).flat().length;
    if (dropped > 0) notes.push(`${dropped} row actions did not fit; type the commands instead`);
  }
  return { rows: [...tableRows, ...navRows, ...actionRows], notes };
}

/**
 * Buttons for one message: each runs its action's command, under a slot prefix that keeps custom_ids
 * unique. `prefix` gives another prefix instead (a view of a table: `v<n>:`).
 */
export function buttonMaker(ref: ActionRef): (action: Action, label?: string, prefix?: string) => APIButtonComponentWithCustomId {
  let slot = 0;
  return (action, label = action.label, prefix = `b${slot++}:`) => ({
    type: ComponentType.Button,
    style: action.style ? STYLE[action.style] : ButtonStyle.Secondary,
    label: clip(withoutCodeMarks(label), COMPONENTS.buttonLabel),
    custom_id: prefix + ref(action.command, COMPONENTS.customId - prefix.length),
  });
}

interface RowAction {
  action: Action;
  /** "Unban 192.0.2.1": the action and the row's subject. */
  label: string;
  detail: string;
}

function rowActions({ table }: Reply): RowAction[] {
  if (!table?.rowActions) return [];
  return table.rows.flatMap((_, i) => {
    const action = table.rowActions?.[i];
    return action ? [{ action, label: rowActionLabel(table, i) ?? action.label, detail: rowDetail(table, i) }] : [];
  });
}

function dedupe(actions: readonly RowAction[], ref: ActionRef): APISelectMenuOption[] {
  const seen = new Set<string>();
  const options: APISelectMenuOption[] = [];
  for (const { action, label, detail } of actions) {
    const value = ref(action.command, COMPONENTS.selectText);
    if (seen.has(value)) continue;
    seen.add(value);
    const option: APISelectMenuOption = { label: clip(label, COMPONENTS.selectText), value };
    if (detail) option.description = clip(detail, COMPONENTS.selectText);
    options.push(option);
  }
  return options;
}

function select(customId: string, options: APISelectMenuOption[], all: readonly RowAction[]): APIStringSelectComponent {
  const labels = new Set(all.map((a) => a.action.label));
  const placeholder = labels.size === 1 ? `${[...labels][0]}…` : "Choose an action…";
  return { type: ComponentType.StringSelect, custom_id: customId, placeholder: clip(withoutCodeMarks(placeholder), COMPONENTS.placeholder), options };
}
