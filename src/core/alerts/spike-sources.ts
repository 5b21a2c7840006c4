/** Where spike detection gets each jail's bans, as the process running the jobs last found. */
export interface SpikeSources {
  /** Jails whose bans the history capture reports as they happen. */
  events: string[];
  /** Jails without the capture: fail2ban's counter, once a minute. */
  counter: string[];
  /** Unix ms. */
  at: number;
}

/** The alert state key the detector keeps its sources under. */
export const SOURCES_KEY = "spike:sources";

/** One line for `status` and `doctor`. */
export function describeSpikeSources(s: Pick<SpikeSources, "events" | "counter">): string {
  const list = (jails: string[]) => jails.join(", ");
  if (s.counter.length === 0 && s.events.length === 0) return "no jails to watch";
  if (s.counter.length === 0) return `from the history capture's ban events, within seconds (${list(s.events)})`;
  const fallback = `from fail2ban's ban counter once a minute for ${list(s.counter)}: the history capture is not installed there (docs/history.md)`;
  return s.events.length === 0 ? fallback : `from the history capture's ban events for ${list(s.events)}; ${fallback}`;
}
