import type { BlocklistMembers, Member } from "../ports/blocklist-members.js";
import type { Fail2ban } from "../ports/fail2ban.js";
import { NetworkSet, parseEntry, rangeOf, type Network } from "./address.js";

// Carrying a plan out against fail2ban, crash-safe: every ban is on record as `pending` before it
// is sent, and each chunk fail2ban has answered is flipped to `banned` in one transaction. A crash
// leaves at most one chunk in doubt; the next run finds those rows pending and sends them again
// unless fail2ban's own list shows they arrived. Unbans delete their rows chunk by chunk after
// fail2ban answered, so an interrupted unban is simply repeated (unbanning twice is harmless).

export interface ImportProgress {
  phase: "unban" | "ban";
  done: number;
  total: number;
}

/** Bans made (or lifted) by a blocklist, for the ban history: `origin` is `blocklist:<name>`. */
export interface BlocklistBanEvent {
  jail: string;
  entries: readonly string[];
  origin: string;
  at: number;
  /** Who had it done, when a user did (removing a blocklist). */
  actor?: string;
}

export interface ApplyDeps {
  fail2ban: Pick<Fail2ban, "ban" | "unban" | "jailLimits">;
  members: BlocklistMembers;
  now: () => number;
  chunkSize: number;
  origin: string;
  progress?: (p: ImportProgress) => void;
  onBanned?: (event: BlocklistBanEvent) => void;
  /** Told just before rows are unbanned, so the ban history can say which blocklist lifted them. */
  onUnbanning?: (jail: string, rows: readonly Member[]) => void;
}

/** Of rows leaving, those to unban (no other row holds the entry, and a blocklist banned it) and the rest. */
export function splitLeaving(leaving: readonly Member[], jailRows: readonly Member[]): { unban: Member[]; forget: Member[] } {
  const gone = new Set(leaving.map(rowKey));
  const held = new Set(jailRows.filter((m) => !gone.has(rowKey(m))).map((m) => m.entry));
  const unban: Member[] = [];
  const forget: Member[] = [];
  for (const row of leaving) (!held.has(row.entry) && (row.owned || row.state === "pending") ? unban : forget).push(row);
  return { unban, forget };
}

/** Lifts rows (any sources, any jails); returns how many bans fail2ban lifted (not those it no longer had). */
export async function liftRows(rows: readonly Member[], deps: ApplyDeps): Promise<number> {
  let lifted = 0;
  for (const [jail, group] of groupByJail(rows)) {
    // Only other sources can hold an entry a source gives up; all rows are needed only for networks.
    const sources = new Set(group.map((r) => r.sourceId));
    const [only] = sources;
    const others = sources.size === 1 && only !== undefined ? deps.members.othersInJail(jail, only) : deps.members.inJail(jail);
    const { unban, forget } = splitLeaving(group, others);
    deps.members.atomically(() => {
      for (const row of forget) {
        if (row.owned) deps.members.handOver(jail, row.entry, row.sourceId);
        deps.members.remove(row.sourceId, jail, [row.entry]);
      }
    });
    const restore = containedIn(unban, () => deps.members.inJail(jail), group);
    deps.members.put(restore.map((m) => ({ ...m, state: "pending", owned: true })));
    const byEntry = new Map<string, Member[]>();
    for (const row of unban) byEntry.set(row.entry, [...(byEntry.get(row.entry) ?? []), row]);
    const entries = [...byEntry.keys()];
    if (unban.length > 0) deps.onUnbanning?.(jail, unban);
    let done = 0;
    lifted += await deps.fail2ban.unban(jail, entries, {
      chunkSize: deps.chunkSize,
      onProgress: (count, total) => {
        const chunk = entries.slice(done, count);
        deps.members.atomically(() => {
          for (const row of chunk.flatMap((e) => byEntry.get(e) ?? [])) deps.members.remove(row.sourceId, jail, [row.entry]);
        });
        done = count;
        deps.progress?.({ phase: "unban", done: count, total });
      },
    });
    // fail2ban's unbanip of a network also lifts every ban inside it: put back what is still listed.
    if (restore.length > 0) await sendBans(jail, [...new Set(restore.map((m) => m.entry))], deps);
  }
  return lifted;
}

/** Sends bans for entries whose rows are already `pending`, flipping each answered chunk to `banned`. */
export async function sendBans(jail: string, entries: readonly string[], deps: ApplyDeps): Promise<void> {
  if (entries.length === 0) return;
  const { bantime } = await deps.fail2ban.jailLimits(jail);
  let done = 0;
  await deps.fail2ban.ban(jail, entries, {
    chunkSize: deps.chunkSize,
    onProgress: (count, total) => {
      const chunk = entries.slice(done, count);
      const at = deps.now();
      deps.members.markBanned(jail, chunk, { bannedAt: at, f2bUntil: bantime >= 0 ? at + bantime * 1000 : undefined });
      done = count;
      deps.onBanned?.({ jail, entries: chunk, origin: deps.origin, at });
      deps.progress?.({ phase: "ban", done: count, total });
    },
  });
}

const rowKey = (m: Member): string => `${m.sourceId}\n${m.jail}\n${m.entry}`;

function groupByJail(rows: readonly Member[]): Map<string, Member[]> {
  const byJail = new Map<string, Member[]>();
  for (const row of rows) {
    const group = byJail.get(row.jail);
    if (group) group.push(row);
    else byJail.set(row.jail, [row]);
  }
  return byJail;
}

/** Rows that stay but sit inside a network about to be unbanned. */
function containedIn(unban: readonly Member[], jailRows: () => Member[], leaving: readonly Member[]): Member[] {
  const networks = unban.map((r) => parseEntry(r.entry)).filter((n): n is Network => n !== undefined && n.prefix < (n.version === 4 ? 32 : 128));
  if (networks.length === 0) return [];
  const nets = new NetworkSet(networks);
  const unbanned = new Set(unban.map((r) => r.entry));
  const gone = new Set(leaving.map(rowKey));
  return jailRows().filter((m) => {
    if (gone.has(rowKey(m)) || unbanned.has(m.entry)) return false;
    const entry = parseEntry(m.entry);
    return entry !== undefined && nets.contains(rangeOf(entry));
  });
}
