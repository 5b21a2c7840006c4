import type { Alert } from "../alerts/alert.js";
import type { AlertState } from "../ports/alert-state.js";
import type { HostPresence } from "../ports/fleet.js";
import { formatDuration, formatTime } from "../time-format.js";

// The front's watch over its hosts: one alert when a host's agent stops beating, one when it is back.
// Kept in the alert state, so a front that restarts during an outage neither repeats the alert nor
// forgets to say when it ends.

const KEY = "fleet-hosts";

interface Memory {
  /** The open incident per host that is not answering. */
  down: Record<string, { incident: string; since: number; hosts?: string[] }>;
}

export interface UnreachableDeps {
  presence: () => HostPresence[];
  state: AlertState;
  raise: (alert: Alert) => void;
  now: () => number;
  /**
   * Until then, a host not heard from since the front started is given time to beat (the front just
   * started); afterwards it counts as gone like any other.
   */
  graceUntil: number;
}

export function checkFleetHosts(deps: UnreachableDeps): void {
  const at = deps.now();
  const memory = deps.state.get<Memory>(KEY) ?? { down: {} };
  const before = JSON.stringify(memory);
  const newlyDown: HostPresence[] = [];
  for (const p of deps.presence()) {
    const open = memory.down[p.host];
    if (p.state === "alive") {
      if (!open) continue;
      delete memory.down[p.host];
      // An incident of several hosts ends with the last of them.
      if (Object.values(memory.down).some((d) => d.incident === open.incident)) continue;
      deps.raise({
        kind: "health",
        incident: open.incident,
        step: "resolve",
        reply: { title: `${open.hosts?.join(", ") ?? p.host} ${open.hosts ? "are" : "is"} answering again`, tone: "ok", text: `Unreachable for ${formatDuration(at - open.since)}.` },
      });
      continue;
    }
    if (!open && !(p.lastSeen === undefined && at < deps.graceUntil)) newlyDown.push(p);
  }
  if (newlyDown.length > 0) raiseDown(newlyDown, memory, deps);
  if (JSON.stringify(memory) !== before) deps.state.set(KEY, memory, at);
}

/** One alert for the hosts found down in one check: ten hosts failing together are one incident. */
function raiseDown(hosts: readonly HostPresence[], memory: Memory, deps: UnreachableDeps): void {
  const since = Math.min(...hosts.map((p) => p.lastSeen ?? deps.graceUntil));
  const names = hosts.map((p) => p.host);
  const incident = `host:${names.join(",")}:${since}`;
  for (const host of names) memory.down[host] = { incident, since, ...(names.length > 1 ? { hosts: names } : {}) };
  const p = hosts[0]!;
  const why =
    hosts.length > 1
      ? "Their agents' heartbeats stopped together: look at what they share (the network, NATS) first."
      : p.state === "stopped"
        ? "Its agent said it was stopping (a restart, or `banbot agent` stopped): commands and alerts of this host wait until it is back."
        : p.lastSeen === undefined
          ? "No heartbeat from its agent since BanBot's front started: is `banbot agent` running there, and can it reach NATS?"
          : "Its agent's heartbeats stopped: the host, its agent or its path to NATS is down.";
  deps.raise({
    kind: "health",
    incident,
    step: "open",
    reply: {
      title: hosts.length > 1 ? `${hosts.length} hosts are unreachable: ${names.join(", ")}` : `${p.host} is unreachable`,
      tone: "error",
      text: why,
      fields: hosts.flatMap((h) => (h.lastSeen === undefined ? [] : [{ label: hosts.length > 1 ? `${h.host}: last heartbeat` : "Last heartbeat", value: formatTime(h.lastSeen) }])),
      actions: [{ label: "Status", command: `status on ${names.join(",")}` }],
    },
  });
}
