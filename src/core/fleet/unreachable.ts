import type { Alert } from "../alerts/alert.js";
import type { AlertState } from "../ports/alert-state.js";
import type { HostPresence } from "../ports/fleet.js";
import { formatDuration, formatTime } from "../time-format.js";
import { takeHostAlert } from "./host-alerts.js";

// The front's watch over its hosts: one alert when a host's agent stops beating, one when it is back.
// Each host's alert goes through the grouping of the agents' own alerts (host-alerts.ts), so hosts
// that go unreachable within a few minutes of each other are one incident, edited as hosts join and
// recover, resolved with the last. Kept in the alert state, so a front that restarts during an outage
// neither repeats the alert nor forgets to say when it ends.

const KEY = "fleet-hosts";
// The detector's name in the incident: what host-alerts groups by (with the kind).
const DETECTOR = "host";

interface Memory {
  /** The open incident per host that is not answering. */
  down: Record<string, { incident: string; since: number }>;
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
  const take = (host: string, alert: Alert) => takeHostAlert({ state: deps.state, raise: deps.raise, now: deps.now }, host, alert);
  for (const p of deps.presence()) {
    const open = memory.down[p.host];
    if (p.state === "alive") {
      if (!open) continue;
      delete memory.down[p.host];
      take(p.host, {
        kind: "health",
        incident: open.incident,
        step: "resolve",
        reply: { title: `${p.host} is answering again`, tone: "ok", text: `Unreachable for ${formatDuration(at - open.since)}.` },
      });
      continue;
    }
    if (open || (p.lastSeen === undefined && at < deps.graceUntil)) continue;
    const since = p.lastSeen ?? deps.graceUntil;
    memory.down[p.host] = { incident: `${DETECTOR}:${p.host}:${since}`, since };
    take(p.host, downAlert(p, memory.down[p.host]!.incident));
  }
  if (JSON.stringify(memory) !== before) deps.state.set(KEY, memory, at);
}

function downAlert(p: HostPresence, incident: string): Alert {
  const why =
    p.state === "stopped"
      ? "Its agent said it was stopping (a restart, or `banbot agent` stopped): commands and alerts of this host wait until it is back."
      : p.lastSeen === undefined
        ? "No heartbeat from its agent since BanBot's front started: is `banbot agent` running there, and can it reach NATS?"
        : "Its agent's heartbeats stopped: the host, its agent or its path to NATS is down.";
  return {
    kind: "health",
    incident,
    step: "open",
    reply: {
      title: `${p.host} is unreachable`,
      tone: "error",
      text: why,
      fields: p.lastSeen === undefined ? [] : [{ label: "Last heartbeat", value: formatTime(p.lastSeen) }],
      actions: [{ label: "Status", command: `status on ${p.host}` }],
    },
  };
}
