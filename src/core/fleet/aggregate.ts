import type { HostPart } from "../command/model.js";
import type { HostAnswer, NoAnswer } from "../ports/fleet.js";
import type { Action, Cell, Reply, Tone } from "../reply.js";

// How several hosts' replies to one command become one: tables join under a host column, other
// replies become a row per host (their title and one-line fields); hosts that failed or did not
// answer are named under it. Every button a host sent is aimed back at that host.

const MAX_ACTIONS = 5;
const TONES: readonly Tone[] = ["ok", "info", "warn", "error"];

const SILENCE: Record<NoAnswer, string> = {
  no_agent: "no agent is listening (stopped, or not connected to NATS)",
  timeout: "no answer within the deadline",
  not_connected: "BanBot is not connected to NATS",
  bad_answer: "its answer could not be read (see BanBot's log)",
  failed: "the command could not be sent (see BanBot's log)",
};

/** A command line aimed at `target` (a host, or several joined by commas). */
export function onTarget(line: string, target: string): string {
  return `${line} on ${target}`;
}

/** The title naming `host`, unless it already does (`fail2ban is up on web1`). */
export function titleFor(host: string, title: string): string {
  return title.split(/[^A-Za-z0-9_-]+/).includes(host) ? title : `${host}: ${title}`;
}

/** Why a host gave no answer, in words. */
export function silenceOf(answer: Extract<HostAnswer, { answered: false }>): string {
  return SILENCE[answer.reason];
}

/** Makes one reply of the hosts' parts (a command's AcrossHosts.merge), naming the hosts whose part it could not read. */
export type MergeParts = (parts: readonly HostPart[]) => { reply: Reply; unread: string[] };

/**
 * One reply for `line` (as typed, without its target) from the answers of every host it went to;
 * with `merge`, the answers are parts that it sums or merges into one.
 */
export function fleetReply(line: string, answers: readonly HostAnswer[], merge?: MergeParts): Reply {
  if (merge) return mergedReply(line, answers, merge);
  if (answers.length === 1) return oneHost(answers[0]!);
  const good = answers.filter((a): a is Extract<HostAnswer, { answered: true }> => a.answered && a.outcome === "ok");
  const notes = answers.flatMap((a) => (a.answered ? (a.outcome === "ok" ? [] : [`${a.host}: ${problemOf(a.reply)}`]) : [`${a.host} did not answer: ${silenceOf(a)}.`]));
  const hosts = answers.length;
  const title = good.length === hosts ? `${line} on ${hosts} hosts` : `${line}: ${good.length} of ${hosts} hosts answered`;
  const tone = good.length === 0 ? "error" : notes.length > 0 ? worst(["warn", ...good.map((a) => a.reply.tone)]) : worst(good.map((a) => a.reply.tone));
  if (good.length === 0) return { title, tone, notes };

  const replies = good.map((a) => ({ host: a.host, reply: a.reply }));
  const texts = new Set(replies.map((r) => r.reply.text));
  const text = texts.size === 1 ? [...texts][0] : undefined;
  const extra: string[] = [];
  if (replies.some((r) => r.reply.images?.length)) extra.push(`Charts are drawn per host: \`${onTarget(line, replies[0]!.host)}\`.`);
  for (const { host, reply } of replies) if (reply.paging) extra.push(`${host}: page ${reply.paging.page} of ${reply.paging.pages}, ${reply.paging.total} in all.`);
  const body = joinedTable(replies) ?? summaryTable(replies);
  const actions = retargeted(replies);
  return {
    title,
    tone,
    ...(text === undefined ? {} : { text }),
    table: body,
    notes: [...notes, ...extra, ...replies.flatMap((r) => (r.reply.notes ?? []).map((n) => `${r.host}: ${n}`))],
    ...(actions.length > 0 ? { actions } : {}),
    ...(replies.some((r) => r.reply.private) ? { private: true } : {}),
  };
}

/**
 * The hosts' parts made one (sums, one chart, one list), and the whole truth about what they cover:
 * a host that did not answer, failed or sent what cannot be read is named, and the title says how
 * many of the hosts the numbers count.
 */
function mergedReply(line: string, answers: readonly HostAnswer[], merge: MergeParts): Reply {
  const good = answers.filter((a): a is Extract<HostAnswer, { answered: true }> => a.answered && a.outcome === "ok");
  const notes = answers.flatMap((a) => (a.answered ? (a.outcome === "ok" ? [] : [`${a.host}: ${problemOf(a.reply)}`]) : [`${a.host} did not answer: ${silenceOf(a)}.`]));
  const hosts = answers.length;
  if (good.length === 0) return { title: `${line}: 0 of ${hosts} hosts answered`, tone: "error", notes };
  const { reply, unread } = merge(good.map((a) => ({ host: a.host, reply: a.reply })));
  const counted = good.length - unread.length;
  notes.push(...unread.map((host) => `${host}: its answer cannot be summed with the others (is its agent the same BanBot version as the front?).`));
  if (counted === hosts) return reply;
  if (counted === 0) return { title: `${line}: 0 of ${hosts} hosts answered`, tone: "error", notes };
  return {
    ...reply,
    title: `${reply.title} (${counted} of ${hosts} hosts answered)`,
    tone: worst(["warn", reply.tone]),
    notes: [...notes, `The numbers count only the ${counted === 1 ? "host" : `${counted} hosts`} that answered.`, ...(reply.notes ?? [])],
  };
}

function oneHost(answer: HostAnswer): Reply {
  if (!answer.answered) return { title: `${answer.host} did not answer`, tone: "error", text: `${capitalised(silenceOf(answer))}.` };
  const { host, reply } = answer;
  const aim = (a: Action): Action => ({ ...a, command: onTarget(a.command, host) });
  return {
    ...reply,
    title: titleFor(host, reply.title),
    ...(reply.table?.rowActions ? { table: { ...reply.table, rowActions: reply.table.rowActions.map((a) => a && aim(a)) } } : {}),
    ...(reply.paging ? { paging: { ...reply.paging, prev: reply.paging.prev && aim(reply.paging.prev), next: reply.paging.next && aim(reply.paging.next) } } : {}),
    ...(reply.actions ? { actions: reply.actions.map(aim) } : {}),
  };
}

type HostReply = { host: string; reply: Reply };

/** Every host's table under one header, when they share it (`jails`, `banned`, `top`). */
function joinedTable(replies: readonly HostReply[]): Reply["table"] | undefined {
  const first = replies[0]!.reply.table;
  if (!first || !replies.every((r) => r.reply.table && sameColumns(r.reply.table.columns, first.columns))) return undefined;
  const rows: Cell[][] = [];
  const rowActions: (Action | undefined)[] = [];
  for (const { host, reply } of replies) {
    const table = reply.table!;
    table.rows.forEach((row, i) => {
      rows.push([host, ...row]);
      const action = table.rowActions?.[i];
      rowActions.push(action && { ...action, command: onTarget(action.command, host) });
    });
  }
  return {
    columns: ["host", ...first.columns],
    rows,
    ...(first.align ? { align: ["left" as const, ...first.align] } : {}),
    ...(rowActions.some((a) => a !== undefined) ? { rowActions } : {}),
  };
}

/** A row per host: what its reply says (its title) and its one-line fields (`status`, `ip`, `unban`). */
function summaryTable(replies: readonly HostReply[]): NonNullable<Reply["table"]> {
  const labels: string[] = [];
  for (const { reply } of replies) for (const f of reply.fields ?? []) if (!labels.includes(f.label)) labels.push(f.label);
  // A field that runs over several lines on some host stays in that host's own reply.
  const oneLine = labels.filter((label) => replies.every(({ reply }) => !(reply.fields ?? []).some((f) => f.label === label && f.value.includes("\n"))));
  return {
    columns: ["host", "result", ...oneLine],
    rows: replies.map(({ host, reply }) => [host, reply.title, ...oneLine.map((label) => reply.fields?.find((f) => f.label === label)?.value ?? "")]),
  };
}

/** The hosts' buttons, each aimed at the hosts that offered it. */
function retargeted(replies: readonly HostReply[]): Action[] {
  const byCommand = new Map<string, { action: Action; hosts: string[] }>();
  for (const { host, reply } of replies) {
    const offered = [...(reply.actions ?? []), ...(reply.paging?.next ? [{ ...reply.paging.next, label: `${reply.paging.next.label} on ${host}` }] : [])];
    for (const action of offered) {
      const entry = byCommand.get(action.command) ?? { action, hosts: [] };
      entry.hosts.push(host);
      byCommand.set(action.command, entry);
    }
  }
  return [...byCommand.values()].slice(0, MAX_ACTIONS).map(({ action, hosts }) => ({
    ...action,
    label: hosts.length === replies.length || action.label.endsWith(` on ${hosts[0]}`) ? action.label : `${action.label} (${hosts.join(", ")})`,
    command: onTarget(action.command, hosts.join(",")),
  }));
}

function problemOf(reply: Reply): string {
  return reply.text ? `${reply.title}: ${reply.text}` : reply.title;
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

function worst(tones: readonly Tone[]): Tone {
  return tones.reduce<Tone>((w, t) => (TONES.indexOf(t) > TONES.indexOf(w) ? t : w), "ok");
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
