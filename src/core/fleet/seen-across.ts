import type { Alert } from "../alerts/alert.js";
import type { AlertState } from "../ports/alert-state.js";
import { formatDuration, formatTime } from "../time-format.js";

// The front's "seen across the fleet" watch: an address fail2ban's filters banned on several hosts
// within a window is one alert with a Ban everywhere button; a host that bans it later within the
// alert's window updates that post to name it too. Its memory is in the alert state, so a front
// that restarts neither alerts again nor forgets the bans it saw.

const KEY = "fleet-seen-across";
/** What the buttons offer; the last bans for the jail's own bantime (a ban without `for`). */
const DURATIONS = ["1h", "1d", "7d"] as const;

export interface FleetBan {
  ip: string;
  jail: string;
  at: number;
}

interface HostBan {
  host: string;
  jail: string;
  at: number;
}

interface Memory {
  /** Per address, the bans of the last window, one per host (its latest). */
  seen: Record<string, HostBan[]>;
  /** Per address, its alert while the alert covers it: one incident per address per window. */
  alerted: Record<string, Alerted>;
}

interface Alerted {
  until: number;
  incident: string;
  /** The jail its buttons ban in, kept in its updates. */
  jail: string;
  /** Its last update's; 0 for the post itself. */
  seq: number;
  /** The bans it names, one per host: what it was raised with and the hosts that banned it since. */
  shown: HostBan[];
}

export interface SeenAcrossDeps {
  state: AlertState;
  raise: (alert: Alert) => void;
  now: () => number;
  /** How many hosts, within how long. */
  hosts: number;
  windowMs: number;
}

/** Notes one host's batch of bans; raises the alerts they complete. */
export function noteFleetBans(deps: SeenAcrossDeps, host: string, bans: readonly FleetBan[]): void {
  const now = deps.now();
  const memory = deps.state.get<Memory>(KEY) ?? { seen: {}, alerted: {} };
  const since = now - deps.windowMs;
  const touched = new Set<string>();
  for (const ban of bans) {
    // A ban older than the window (a backlog from a front that was down long) cannot complete one.
    if (ban.at < since) continue;
    const seen = (memory.seen[ban.ip] ?? []).filter((s) => s.host !== host);
    seen.push({ host, jail: ban.jail, at: ban.at });
    memory.seen[ban.ip] = seen;
    touched.add(ban.ip);
  }
  prune(memory, since, now);
  for (const ip of touched) {
    const seen = memory.seen[ip];
    if (!seen) continue;
    const alerted = memory.alerted[ip];
    if (alerted) {
      // Within its alert's window: no second alert, but the post names the hosts that banned it since.
      const named = new Set(alerted.shown.map((s) => s.host));
      const later = seen.filter((s) => !named.has(s.host));
      if (later.length === 0) continue;
      alerted.shown = [...alerted.shown, ...later];
      alerted.seq++;
      deps.raise({ ...seenAcrossAlert(ip, alerted.shown, deps.windowMs, alerted.jail), incident: alerted.incident, step: "update", seq: alerted.seq });
      continue;
    }
    if (seen.length < deps.hosts) continue;
    const alert = seenAcrossAlert(ip, seen, deps.windowMs);
    const incident = `fleet-seen:${ip}:${now}`;
    memory.alerted[ip] = { until: now + deps.windowMs, incident, jail: alert.jail, seq: 0, shown: [...seen] };
    deps.raise({ ...alert, incident, step: "open" });
  }
  deps.state.set(KEY, memory, now);
}

function prune(memory: Memory, since: number, now: number): void {
  for (const [ip, seen] of Object.entries(memory.seen)) {
    const recent = seen.filter((s) => s.at >= since);
    if (recent.length > 0) memory.seen[ip] = recent;
    else delete memory.seen[ip];
  }
  for (const [ip, alerted] of Object.entries(memory.alerted)) if (!(alerted.until > now)) delete memory.alerted[ip];
}

/** The alert's reply; `jail`, the one its buttons ban in, is the post's own in an update (routed and muted alike). */
function seenAcrossAlert(ip: string, seen: readonly HostBan[], windowMs: number, kept?: string): Omit<Alert, "incident" | "step"> & { jail: string } {
  const sorted = [...seen].sort((a, b) => a.host.localeCompare(b.host));
  const jail = kept ?? mostCommonJail(sorted);
  const ban = (d?: string) => `ban ${ip} ${jail}${d ? ` for ${d}` : ""} on all`;
  return {
    kind: "spike",
    jail,
    reply: {
      title: `${ip} banned on ${sorted.length} hosts within ${formatDuration(windowMs)}`,
      tone: "warn",
      text: `fail2ban's filters banned ${ip} on ${sorted.map((s) => s.host).join(", ")}. Ban everywhere bans it in ${jail} on every host.`,
      fields: sorted.map((s) => ({ label: s.host, value: `${s.jail}, ${formatTime(s.at)}` })),
      actions: [
        ...DURATIONS.map((d) => ({ label: `Ban everywhere ${d}`, command: ban(d), style: "danger" as const })),
        { label: `Ban everywhere (${jail}'s bantime)`, command: ban() },
      ],
    },
  };
}

/** The jail most hosts banned it in; on a tie, the first by host name. */
function mostCommonJail(seen: readonly { jail: string }[]): string {
  const counts = new Map<string, number>();
  for (const s of seen) counts.set(s.jail, (counts.get(s.jail) ?? 0) + 1);
  return [...counts].reduce((best, c) => (c[1] > best[1] ? c : best))[0];
}
