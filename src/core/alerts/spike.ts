import type { Fail2ban } from "../ports/fail2ban.js";
import type { HistoryEvent } from "../history/event.js";
import { formatDuration } from "../time-format.js";
import type { AlertState } from "../ports/alert-state.js";
import type { Alert } from "./alert.js";
import { BanWindow, sampleOf, type BanSample, type Place } from "./ban-window.js";
import { spikeReply } from "./spike-reply.js";
import { SOURCES_KEY, type SpikeSources } from "./spike-sources.js";

interface JailMemory {
  /** Filter bans per minute, exponentially weighted, learnt outside incidents. */
  baseline: number;
  /** Counter fallback: fail2ban's total-banned counter at the last tick, and when that was. */
  lastTotal?: number;
  lastTickAt?: number;
  incident?: { id: string; openedAt: number; peak: number; seq: number; calmTicks: number; updatedAt: number };
}

export interface SpikeOptions {
  windowMinutes: number;
  /** Bans in the window below which nothing is a spike. */
  minCount: number;
  /** How many times the baseline the window must reach. */
  factor: number;
}

export interface SpikeDeps extends SpikeOptions {
  fail2ban: Pick<Fail2ban, "status" | "actions" | "jailStatus" | "bans">;
  state: AlertState;
  raise: (alert: Alert) => void;
  now: () => number;
  host: string;
  /** Country (or range) and network labels for addresses, when geo is available. */
  locate?: (ips: string[]) => ReadonlyMap<string, Place>;
  /** Addresses banned in a jail within [from, to) that fail2ban's filters did not ban (BanBot's own, hand-made). */
  ownBans: (jail: string, from: number, to: number) => string[];
}

type Source = "events" | "counter";

const ALPHA = 0.05;
const MINUTE = 60_000;
// A spike ends after two calm ticks in a row, so a lull inside an attack does not close and reopen it.
const CALM_TICKS_TO_RESOLVE = 2;
// Between ticks, a growing incident is edited at most this often: chat edits are rate-limited.
const UPDATE_EVERY_MS = 30_000;
/** What fail2ban calls BanBot's history action (a Python action is named after its file). */
export const CAPTURE_ACTION = "banbot";

/**
 * Ban-spike detection per jail, counting only the bans fail2ban's filters made. Where the history
 * capture reports the jail's bans, they are counted as they are archived (`observe`), so an alert
 * follows within seconds; elsewhere, `tick` (once a minute) reads fail2ban's total-banned counter and
 * takes off what BanBot banned itself. Either way the alert's count and its breakdown come from the
 * same bans. `tick` also learns each jail's usual rate and closes incidents once calm.
 */
export class SpikeDetector {
  private readonly windows = new Map<string, BanWindow>();
  private readonly memory = new Map<string, JailMemory>();
  // Counter fallback: BanBot's own bans the last tick took off, per jail.
  private readonly subtracted = new Map<string, Set<string>>();
  // Jails whose bans come from the capture; until the first tick knows, every jail is presumed to.
  private counterJails = new Set<string>();

  constructor(private readonly deps: SpikeDeps) {}

  /** Newly archived events (History.subscribe): filter bans count towards their jail's window. */
  observe(events: readonly HistoryEvent[]): void {
    const bans = events.filter((e) => e.kind === "ban" && e.origin === "fail2ban" && !this.counterJails.has(e.jail));
    if (bans.length === 0) return;
    const at = this.deps.now();
    const places = this.deps.locate?.([...new Set(bans.map((b) => b.ip))]);
    for (const ban of bans) this.window(ban.jail).add(ban.at, { ip: ban.ip, place: places?.get(ban.ip) });
    for (const jail of new Set(bans.map((b) => b.jail))) {
      const window = this.window(jail);
      this.evaluate(jail, at, window.count(at), () => window.sample(at), "events", false);
    }
  }

  /** Once a minute: which jails the capture covers, the counter fallback, baselines, resolutions. */
  async tick(): Promise<void> {
    const { fail2ban, now } = this.deps;
    const { jails } = await fail2ban.status();
    const sources = new Map<string, Source>();
    for (const jail of jails) sources.set(jail, (await fail2ban.actions(jail)).includes(CAPTURE_ACTION) ? "events" : "counter");
    const fromCounter = new Map<string, { added: number; sample: () => Promise<BanSample> }>();
    for (const [jail, source] of sources) {
      if (source === "counter") fromCounter.set(jail, await this.readCounter(jail));
    }
    const at = now();
    this.counterJails = new Set(jails.filter((j) => sources.get(j) === "counter"));
    const summary: SpikeSources = { events: jails.filter((j) => sources.get(j) === "events"), counter: [...this.counterJails], at };
    this.deps.state.set(SOURCES_KEY, summary, at);

    for (const jail of jails) {
      const counter = fromCounter.get(jail);
      const window = this.window(jail, counter ? "counter" : "events");
      if (counter) window.add(at, undefined, counter.added);
      const inWindow = window.count(at);
      // Counter jails' bans are only listed (from fail2ban) when the counter says it is worth it.
      const sample = counter ? counter.sample : () => Promise.resolve(window.sample(at));
      const memory = this.recall(jail);
      const lastMinute = counter ? counter.added : window.count(at, MINUTE);
      if (memory.incident && !this.spiking(memory, inWindow)) {
        if (++memory.incident.calmTicks >= CALM_TICKS_TO_RESOLVE) this.resolve(jail, memory, at);
      } else {
        await this.evaluateAsync(jail, at, inWindow, sample, counter ? "counter" : "events");
      }
      if (!memory.incident) memory.baseline = ALPHA * lastMinute + (1 - ALPHA) * memory.baseline;
      this.deps.state.set(this.key(jail), memory, at);
    }
  }

  private async readCounter(jail: string): Promise<{ added: number; sample: () => Promise<BanSample> }> {
    const { fail2ban, now, ownBans, windowMinutes, locate } = this.deps;
    const memory = this.recall(jail);
    const { totalBanned } = await fail2ban.jailStatus(jail, { short: true });
    const at = now();
    // The counter restarts with fail2ban; everything it counted since is new.
    const delta = memory.lastTotal === undefined ? 0 : totalBanned >= memory.lastTotal ? totalBanned - memory.lastTotal : totalBanned;
    // The archive keeps whole seconds, so neighbouring ticks' queries overlap by a second or two;
    // what the last tick took off already is not taken off again.
    const before = this.subtracted.get(jail) ?? new Set<string>();
    const mine = memory.lastTickAt === undefined ? [] : ownBans(jail, memory.lastTickAt - 1_000, at + 1_000);
    this.subtracted.set(jail, new Set(mine));
    const own = mine.filter((ip) => !before.has(ip)).length;
    memory.lastTotal = totalBanned;
    memory.lastTickAt = at;
    return {
      added: Math.max(0, delta - own),
      // What fail2ban still bans from the window, less BanBot's own: the bans the alert describes.
      sample: async () => {
        const since = at - windowMinutes * MINUTE;
        const mine = new Set(ownBans(jail, since, at + 1_000));
        const listed = await fail2ban.bans(jail);
        const recent = listed.flatMap((b) => (b.start && b.start.getTime() >= since && !mine.has(b.ip) ? [{ ip: b.ip, at: b.start.getTime() }] : []));
        return sampleOf(recent, locate?.([...new Set(recent.map((b) => b.ip))]));
      },
    };
  }

  private spiking(memory: JailMemory, count: number): boolean {
    const expected = memory.baseline * this.deps.windowMinutes;
    return count >= this.deps.minCount && count >= this.deps.factor * Math.max(expected, 1);
  }

  /** Opens or grows the jail's incident from `count` bans in the window, described by `sample`. */
  private evaluate(jail: string, at: number, count: number, sample: () => BanSample, source: Source, tick: boolean): void {
    const memory = this.recall(jail);
    if (!this.spiking(memory, count)) return;
    const incident = memory.incident;
    if (incident && !(count > incident.peak && (tick || at - incident.updatedAt >= UPDATE_EVERY_MS))) {
      incident.calmTicks = 0;
      return;
    }
    this.announce(jail, memory, at, sample(), source);
  }

  private async evaluateAsync(jail: string, at: number, count: number, sample: () => Promise<BanSample>, source: Source): Promise<void> {
    const memory = this.recall(jail);
    if (!this.spiking(memory, count)) return;
    if (memory.incident) memory.incident.calmTicks = 0;
    if (memory.incident && count <= memory.incident.peak) return;
    const described = await sample();
    this.evaluate(jail, at, described.count, () => described, source, true);
  }

  private announce(jail: string, memory: JailMemory, at: number, sample: BanSample, source: Source): void {
    const expected = memory.baseline * this.deps.windowMinutes;
    const { host, windowMinutes } = this.deps;
    const reply = spikeReply({ jail, host, windowMinutes, sample, expected, source, now: this.deps.now() });
    if (!memory.incident) {
      memory.incident = { id: `spike:${this.deps.host}:${jail}:${at}`, openedAt: at, peak: sample.count, seq: 0, calmTicks: 0, updatedAt: at };
      this.deps.raise({ kind: "spike", jail, incident: memory.incident.id, step: "open", reply });
    } else {
      Object.assign(memory.incident, { peak: sample.count, seq: memory.incident.seq + 1, calmTicks: 0, updatedAt: at });
      this.deps.raise({ kind: "spike", jail, incident: memory.incident.id, step: "update", seq: memory.incident.seq, reply });
    }
    this.deps.state.set(this.key(jail), memory, at);
  }

  private resolve(jail: string, memory: JailMemory, at: number): void {
    const { id, openedAt, peak } = memory.incident!;
    const text = `It lasted ${formatDuration(at - openedAt)} and peaked at ${peak} bans in the window.`;
    this.deps.raise({ kind: "spike", jail, incident: id, step: "resolve", reply: { title: `Ban spike in ${jail} is over`, tone: "ok", text } });
    delete memory.incident;
  }

  private window(jail: string, kind: Source = "events"): BanWindow {
    const key = `${kind}:${jail}`;
    let window = this.windows.get(key);
    if (!window) this.windows.set(key, (window = new BanWindow(this.deps.windowMinutes * MINUTE)));
    return window;
  }

  private recall(jail: string): JailMemory {
    let memory = this.memory.get(jail);
    if (!memory) this.memory.set(jail, (memory = this.deps.state.get<JailMemory>(this.key(jail)) ?? { baseline: 0 }));
    return memory;
  }

  private key(jail: string): string {
    return `spike:${jail}`;
  }
}
