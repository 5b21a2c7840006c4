import { formatRelative, formatTime } from "./time-format.js";

export interface BanEndInput {
  /** fail2ban's end of the ban (Unix milliseconds or a Date), when known. */
  end: number | Date | undefined;
  /** fail2ban bans it forever. */
  permanent: boolean;
  /** The end of BanBot's timed ban (`ban … for`) of this address in this jail, if it has one. */
  timedUntil?: number;
  /** Whether a BanBot process runs the jobs that renew timed bans and lift them. */
  jobsRun: boolean;
  now: number;
}

/**
 * When a ban really ends, as `banned` and `ip` show it. A timed ban ends at its own time while a
 * BanBot process runs the jobs that renew and lift it; without one, fail2ban's own end stands.
 */
export function banEndLabel({ end, permanent, timedUntil, jobsRun, now }: BanEndInput): string {
  if (timedUntil !== undefined && jobsRun) return `${formatRelative(timedUntil, now)} (timed)`;
  const own = end !== undefined ? formatRelative(end, now) : permanent ? "never" : "when fail2ban's ban time ends";
  if (timedUntil === undefined) return own;
  return `${own}, not at ${formatTime(timedUntil)}: no \`banbot start\` runs the jobs that keep timed bans`;
}
