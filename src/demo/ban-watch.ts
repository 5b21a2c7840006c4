import type { Fail2ban } from "../core/ports/fail2ban.js";

/** Calls `notify` for each ban fail2ban makes, polling every `everyMs`; returns the stop function. */
export function watchBans(fail2ban: Pick<Fail2ban, "banned">, notify: (text: string) => void, everyMs = 2000): () => void {
  const seen = new Set<string>();
  let first = true;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const poll = async () => {
    try {
      for (const [jail, ips] of await fail2ban.banned()) {
        for (const ip of ips) {
          const key = `${jail} ${ip}`;
          if (!seen.has(key) && !first) notify(`⚑ fail2ban banned ${ip} in ${jail}`);
          seen.add(key);
        }
      }
      first = false;
    } catch {
      // The demo's server is going away; the console reports real errors itself.
    }
    if (!stopped) timer = setTimeout(() => void poll(), everyMs);
  };
  void poll();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
