import type { Alert } from "../alerts/alert.js";
import type { AlertState } from "../ports/alert-state.js";
import type { Field, Reply, Tone } from "../reply.js";
import { formatDuration, formatTime } from "../time-format.js";
import { titleFor } from "./aggregate.js";

// The front's intake of its agents' alerts. Every alert names its host. Health and spike alerts of
// the same kind (and jail) from several hosts within a few minutes are one incident: the first host's
// post, edited as others join, recover or fail again, each host named with its own state, and resolved
// when the last of them recovers. Ten hosts failing together are one post, not ten.
// The memory is in the alert state, so a front that restarts keeps its groups; an event that comes
// again (its acknowledgement was lost) changes nothing.

const KEY = "fleet-alert-groups";
/** A host joins an open group raised within this long before; later, its alert is a new incident. */
export const GROUP_WINDOW_MS = 5 * 60_000;
// A closed group is remembered this long, so a late repeat of its events is recognised.
const KEEP_CLOSED_MS = 86_400_000;
const GROUPED: readonly Alert["kind"][] = ["health", "spike"];
const TONES: readonly Tone[] = ["ok", "info", "warn", "error"];

interface Member {
  host: string;
  /** The agent's incident, and those this host had in the group before (it failed again). */
  incident: string;
  past?: string[];
  step: Alert["step"];
  seq: number;
  title: string;
  text?: string;
  tone: Tone;
  since: number;
  /** When it recovered; undefined while open. */
  resolvedAt?: number;
}

interface Group {
  /** The incident of the group's post: its first host's. */
  incident: string;
  signature: string;
  kind: Alert["kind"];
  jail?: string;
  openedAt: number;
  /** The first host and its alert's title, which the group's title is made from. */
  first: { host: string; title: string };
  /** The update sequence of the group's post. */
  seq: number;
  members: Member[];
  /** The first post's buttons, kept for the edits. */
  actions?: Reply["actions"];
  closedAt?: number;
}

interface Memory {
  groups: Group[];
}

export interface HostAlertDeps {
  state: AlertState;
  raise: (alert: Alert) => void;
  now: () => number;
}

/**
 * An agent's alert as one of the front's own: its incident is the host's (two hosts' incidents never
 * merge by accident, and an event that comes again is queued under the same keys, so not twice), and
 * its title names the host where it does not already.
 */
export function hostAlert(host: string, alert: Alert): Alert {
  return { ...alert, incident: `${host}/${alert.incident}`, reply: { ...alert.reply, title: titleFor(host, alert.reply.title) } };
}

/** Takes one agent alert: alone, into a group, or as a change of the group it is in. */
export function takeHostAlert(deps: HostAlertDeps, host: string, alert: Alert): void {
  if (!GROUPED.includes(alert.kind)) return deps.raise(hostAlert(host, alert));
  const at = deps.now();
  const memory = deps.state.get<Memory>(KEY) ?? { groups: [] };
  memory.groups = memory.groups.filter((g) => g.closedAt === undefined || at - g.closedAt < KEEP_CLOSED_MS);
  const own = hostAlert(host, alert);
  const known = findMember(memory, host, alert.incident);
  if (known) {
    const { group, member } = known;
    // A repeat of what was taken (or of an incident the group is past) changes nothing.
    if (member.incident !== alert.incident || group.closedAt !== undefined || !isNews(member, alert)) return;
    note(member, alert, own.reply, at);
    change(deps, group, own, at);
  } else if (alert.step !== "open") {
    // Opened before the front kept groups (or forgotten): as it was.
    return deps.raise(own);
  } else {
    const signature = signatureOf(alert);
    const group = memory.groups.find((g) => g.signature === signature && g.closedAt === undefined && at - g.openedAt <= GROUP_WINDOW_MS);
    const member: Member = { host, incident: alert.incident, step: "open", seq: alert.seq ?? 0, title: own.reply.title, tone: own.reply.tone, since: at, ...textOf(own.reply) };
    if (!group) {
      const created: Group = { incident: own.incident, signature, kind: alert.kind, jail: alert.jail, openedAt: at, first: { host, title: own.reply.title }, seq: 0, members: [member], actions: own.reply.actions };
      deps.raise({ ...own, incident: created.incident });
      memory.groups.push(created);
    } else {
      const again = group.members.find((m) => m.host === host);
      if (again) Object.assign(again, { ...member, past: [...(again.past ?? []), again.incident], resolvedAt: undefined });
      else group.members.push(member);
      change(deps, group, own, at);
    }
  }
  deps.state.set(KEY, memory, at);
}

function findMember(memory: Memory, host: string, incident: string): { group: Group; member: Member } | undefined {
  for (const group of memory.groups) {
    const member = group.members.find((m) => m.host === host && (m.incident === incident || m.past?.includes(incident)));
    if (member) return { group, member };
  }
  return undefined;
}

function isNews(member: Member, alert: Alert): boolean {
  if (member.step === "resolve" || alert.step === "open") return false;
  return alert.step === "resolve" || (alert.seq ?? 0) > member.seq;
}

function note(member: Member, alert: Alert, reply: Reply, at: number): void {
  Object.assign(member, { step: alert.step, seq: alert.seq ?? member.seq, title: reply.title, tone: reply.tone, text: textOf(reply).text });
  if (alert.step === "resolve") member.resolvedAt = at;
}

/** The group's post after a member changed: the host's own alert while it is alone, else the group's. */
function change(deps: HostAlertDeps, group: Group, own: Alert, at: number): void {
  const open = group.members.filter((m) => m.resolvedAt === undefined);
  const base = { kind: group.kind, jail: group.jail, incident: group.incident };
  if (open.length === 0) {
    group.closedAt = at;
    deps.raise({ ...base, step: "resolve", reply: group.members.length === 1 ? own.reply : resolvedReply(group, at) });
    return;
  }
  group.seq++;
  deps.raise({ ...base, step: "update", seq: group.seq, reply: group.members.length === 1 ? own.reply : groupReply(group, open) });
}

function groupReply(group: Group, open: readonly Member[]): Reply {
  const { first } = group;
  const count = open.length === group.members.length ? `${open.length} hosts` : `${open.length} of ${group.members.length} hosts`;
  // "… on web1" becomes "… on 3 hosts", "web1 is unreachable" (the front's own watch) "3 hosts are unreachable".
  const title = first.title.includes(` on ${first.host}`)
    ? first.title.replace(` on ${first.host}`, ` on ${count}`)
    : first.title.startsWith(`${first.host} is `)
      ? `${count} are ${first.title.slice(first.host.length + 4)}`
      : `${count}: ${first.title}`;
  return {
    title,
    tone: TONES[Math.max(...open.map((m) => TONES.indexOf(m.tone)))] ?? "error",
    text: `The same alert from ${group.members.length} hosts within ${formatDuration(GROUP_WINDOW_MS)}: one incident. Each host's own state:`,
    fields: group.members.map(memberField),
    // The first host's own Status gives way to the group's.
    actions: [...(group.actions ?? []).filter((a) => a.label !== "Status").slice(0, 4), { label: "Status", command: `status on ${open.map((m) => m.host).join(",")}` }],
  };
}

function resolvedReply(group: Group, at: number): Reply {
  return {
    title: `Over on all ${group.members.length} hosts: ${group.members.map((m) => m.host).join(", ")}`,
    tone: "ok",
    text: `The incident lasted ${formatDuration(at - group.openedAt)}.`,
    fields: group.members.map(memberField),
  };
}

function memberField(m: Member): Field {
  const state = m.resolvedAt === undefined ? `since ${formatTime(m.since)}` : `recovered ${formatTime(m.resolvedAt)}`;
  return { label: m.host, value: `${m.title} (${state})${m.text ? `: ${m.text}` : ""}` };
}

/** The first line of a reply's text, for a host's line in the group. */
function textOf(reply: Reply): { text?: string } {
  const line = reply.text?.split("\n")[0];
  return line ? { text: line } : {};
}

/** Alerts of one signature are the same alert on different hosts: the kind, the jail, the detector. */
function signatureOf(alert: Alert): string {
  return `${alert.kind}|${alert.jail ?? ""}|${alert.incident.split(":")[0]}`;
}
