import type { Fail2banSandbox } from "../sandbox/fail2ban-sandbox.js";
import { pick, type DemoJail } from "./jails.js";

export interface AttackFeed {
  stop(): void;
}

export interface AttackSources {
  /** The background's attackers, who keep coming back. */
  regulars: readonly string[];
  /** Addresses never seen before, for a wave. */
  fresh(count: number): string[];
}

export interface AttackTiming {
  /** One background failure line (or a burst) this often. */
  tickMs: number;
  /** Share of background ticks that are a burst, enough failures at once for a ban. */
  burstChance: number;
  /** The first wave starts this long after the feed. */
  firstWaveMs: number;
  waveEveryMs: number;
  /** Attackers in a wave, each banned once its burst lands, spread over `waveMs`. */
  waveSize: number;
  waveMs: number;
}

// A quiet background, then a wave of new attackers on one jail that is many times that: a ban spike as
// real ones look, lasting long enough (well over a minute) that any detector sampling once a minute
// sees it too. Waves come back, taking the jails in turn. With a few hundred regulars, single
// failures rarely add up to a ban within a findtime: the background bans about one a minute in all.
export const DEMO_TIMING: AttackTiming = { tickMs: 2000, burstChance: 0.03, firstWaveMs: 20_000, waveEveryMs: 240_000, waveSize: 40, waveMs: 80_000 };
export const DEMO_REGULARS = 200;

/** Appends failure lines to the sandbox's jail logs until stopped: background noise and waves. */
export function startAttackFeed(sandbox: Fail2banSandbox, jails: readonly DemoJail[], sources: AttackSources, timing: AttackTiming = DEMO_TIMING): AttackFeed {
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  // setTimeout chains rather than setInterval: a slow append never piles up ticks.
  const later = (ms: number, run: () => Promise<void>): void => {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      void run();
    }, ms);
    timers.add(timer);
  };
  const fail = async (jail: DemoJail, ip: string, lines: number): Promise<void> => {
    await sandbox.appendLog(jail.name, Array.from({ length: lines }, () => jail.line(ip))).catch(() => undefined);
  };

  const tick = async (): Promise<void> => {
    const jail = pick(jails);
    const burst = Math.random() < timing.burstChance;
    if (sources.regulars.length > 0) await fail(jail, pick(sources.regulars), burst ? (jail.maxretry ?? 3) : 1);
    later(timing.tickMs, tick);
  };
  let waves = 0;
  const wave = (): Promise<void> => {
    const jail = jails[waves++ % jails.length]!;
    const attackers = sources.fresh(timing.waveSize);
    attackers.forEach((ip, i) => later((i * timing.waveMs) / attackers.length, () => fail(jail, ip, jail.maxretry ?? 3)));
    later(timing.waveEveryMs, wave);
    return Promise.resolve();
  };
  later(timing.tickMs, tick);
  later(timing.firstWaveMs, wave);
  return {
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
