import type { Fail2banSandbox } from "../sandbox/fail2ban-sandbox.js";
import type { DemoJail } from "./jails.js";

export interface AttackFeed {
  stop(): void;
}

// Documentation ranges only: the demo must never name a real network as an attacker.
const ATTACKERS = [
  ...Array.from({ length: 40 }, (_, i) => `203.0.113.${10 + i * 5}`),
  ...Array.from({ length: 20 }, (_, i) => `198.51.100.${3 + i * 11}`),
  ...Array.from({ length: 10 }, (_, i) => `2001:db8:${(i + 1).toString(16)}::${(i * 7 + 1).toString(16)}`),
];

/** Appends a failure line for a random attacker and jail every `everyMs`, until stopped. */
export function startAttackFeed(sandbox: Fail2banSandbox, jails: readonly DemoJail[], everyMs = 1000): AttackFeed {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async (): Promise<void> => {
    const jail = jails[Math.floor(Math.random() * jails.length)]!;
    const ip = ATTACKERS[Math.floor(Math.random() * ATTACKERS.length)]!;
    // Bursts as real brute-forcing looks: often enough failures at once for a ban within seconds.
    const burst = Math.random() < 0.25 ? (jail.maxretry ?? 3) : 1;
    await sandbox.appendLog(jail.name, Array.from({ length: burst }, () => jail.line(ip))).catch(() => undefined);
    // setTimeout chaining rather than setInterval: a slow append never piles up ticks.
    if (!stopped) timer = setTimeout(() => void tick(), everyMs);
  };
  timer = setTimeout(() => void tick(), everyMs);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
