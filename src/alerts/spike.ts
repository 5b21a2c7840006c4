import type { Fail2ban } from "../core/fail2ban/client.js";
import { formatDuration } from "../core/time-format.js";
import type { AlertState } from "../store/alert-state.js";
import type { Alert } from "./alert.js";
import { spikeRateChart } from "./spike-chart.js";

interface JailMemory {
  lastTotal?: number;
  /** Bans per run, oldest first, at most `windowRuns`. */
  recent: number[];
  /** Exponentially weighted bans per run, learnt outside incidents. */
  baseline: number;
  incident?: { id: string; openedAt: number; peak: number; seq: number; calmRuns: number };
}

export interface SpikeOptions {
  /** Runs in the sliding window (the job runs once a minute, so minutes). */
  windowRuns: number;
  /** Bans in the window below which nothing is a spike. */
  minCount: number;
  /** How many times the baseline the window must reach. */
  factor: number;
}

export interface SpikeDeps extends SpikeOptions {
  fail2ban: Pick<Fail2ban, "status" | "jailStatus" | "bans">;
  state: AlertState;
  raise: (alert: Alert) => void;
  now: () => number;
  host: string;
  /** Country (or range) and network labels for addresses, when geo is available. */
  locate?: (ips: string[]) => Map<string, { country: string; network?: string }>;
}

const ALPHA = 0.05;
// A spike ends after two calm runs in a row, so a lull inside an attack does not close and reopen it.
const CALM_RUNS_TO_RESOLVE = 2;

/**
 * Ban-spike detection per jail, from the growth of fail2ban's own "total banned" counter: one incident
 * per jail, updated in place while it grows, resolved when the rate falls back.
 */
export async function detectSpikes(deps: SpikeDeps): Promise<void> {
  const at = deps.now();
  for (const jail of (await deps.fail2ban.status()).jails) {
    const key = `spike:${jail}`;
    const memory = deps.state.get<JailMemory>(key) ?? { recent: [], baseline: 0 };
    const { totalBanned } = await deps.fail2ban.jailStatus(jail, { short: true });
    // The counter restarts with fail2ban; everything it counted since is new.
    const delta = memory.lastTotal === undefined ? 0 : totalBanned >= memory.lastTotal ? totalBanned - memory.lastTotal : totalBanned;
    memory.lastTotal = totalBanned;
    memory.recent = [...memory.recent, delta].slice(-deps.windowRuns);
    const inWindow = memory.recent.reduce((a, b) => a + b, 0);
    const expected = memory.baseline * deps.windowRuns;
    const spiking = inWindow >= deps.minCount && inWindow >= deps.factor * Math.max(expected, 1);

    if (!memory.incident && spiking) {
      memory.incident = { id: `spike:${deps.host}:${jail}:${at}`, openedAt: at, peak: inWindow, seq: 0, calmRuns: 0 };
      deps.raise({ kind: "spike", jail, incident: memory.incident.id, step: "open", reply: await spikeReply(deps, jail, inWindow, expected) });
    } else if (memory.incident && spiking) {
      memory.incident.calmRuns = 0;
      if (inWindow > memory.incident.peak) {
        memory.incident.peak = inWindow;
        memory.incident.seq++;
        const reply = await spikeReply(deps, jail, inWindow, expected);
        deps.raise({ kind: "spike", jail, incident: memory.incident.id, step: "update", seq: memory.incident.seq, reply });
      }
    } else if (memory.incident) {
      if (++memory.incident.calmRuns >= CALM_RUNS_TO_RESOLVE) {
        const { id, openedAt, peak } = memory.incident;
        deps.raise({
          kind: "spike",
          jail,
          incident: id,
          step: "resolve",
          reply: { title: `Ban spike in ${jail} is over`, tone: "ok", text: `It lasted ${formatDuration(at - openedAt)} and peaked at ${peak} bans in the window.` },
        });
        delete memory.incident;
      }
    }
    if (!memory.incident) memory.baseline = ALPHA * delta + (1 - ALPHA) * memory.baseline;
    deps.state.set(key, memory, at);
  }
}

async function spikeReply(deps: SpikeDeps, jail: string, inWindow: number, expected: number) {
  const since = deps.now() - deps.windowRuns * 60_000;
  const recent = (await deps.fail2ban.bans(jail)).filter((b) => b.start && b.start.getTime() >= since).sort((a, b) => b.start!.getTime() - a.start!.getTime());
  const top = recent.slice(0, 5).map((b) => b.ip);
  const places = deps.locate?.(recent.map((b) => b.ip));
  const ranked = (key: "country" | "network") => {
    const counts = new Map<string, number>();
    for (const b of recent) {
      const label = places?.get(b.ip)?.[key];
      if (label) counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([c, n]) => `${c} (${n})`);
  };
  const countries = ranked("country");
  const networks = ranked("network");
  return {
    title: `Ban spike in ${jail} on ${deps.host}`,
    tone: "warn" as const,
    text: `${inWindow} bans in the last ${deps.windowRuns} minutes, about ${expected < 1 ? "none" : Math.round(expected)} usually.`,
    fields: [
      { label: "Latest addresses", value: top.join("\n") || "none in the window" },
      ...(countries.length ? [{ label: "Countries", value: countries.join("\n") }] : []),
      ...(networks.length ? [{ label: "Networks", value: networks.join("\n") }] : []),
    ],
    images: [spikeRateChart({ jail, host: deps.host, starts: recent.map((b) => b.start!.getTime()), since, now: deps.now() })],
    actions: [
      { label: "Show banned", command: `banned ${jail}` },
      { label: "Mute 1h", command: `alerts-mute spike:${jail} for 1h` },
      { label: "Stop jail", command: `stop ${jail}`, style: "danger" as const },
    ],
  };
}
