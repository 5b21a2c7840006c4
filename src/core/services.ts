import type { BanIndex } from "./fail2ban/ban-index.js";
import type { Fail2ban } from "./ports/fail2ban.js";
import type { Fail2banConfigOps } from "./fail2ban/config-ops.js";
import type { CommandDef, Invocation, OptionSpec } from "./command/model.js";
import type { AuditLog } from "./ports/audit-log.js";
import type { TimedBans } from "./ports/timed-bans.js";
import type { JailNotes } from "./ports/jail-notes.js";
import type { Confirmations } from "./ports/confirmations.js";
import type { TimedBanKeeper } from "./timed-ban-keeper.js";
import type { Blocklists } from "./blocklist/blocklists.js";
import type { GeoLookup } from "./geo/model.js";
import type { Alerts } from "./alerts/alerts.js";
import type { History } from "./history/history.js";
import type { JobRuns } from "./ports/job-runs.js";
import type { AlertMutes } from "./ports/alert-mutes.js";

export interface Clock {
  /** Unix milliseconds. */
  now(): number;
}

/** Everything a command may use. Each command declares the few it needs with `Ctx<…>`. */
export interface Services {
  fail2ban: Fail2ban;
  /** Ban times for the rows a page shows, kept current from the ban history's capture. */
  banIndex: BanIndex;
  configOps: Fail2banConfigOps;
  audit: AuditLog;
  timedBans: TimedBans;
  /** Bans a started jail's timed bans again: fail2ban restores only what its database still holds. */
  timedBanKeeper: Pick<TimedBanKeeper, "jailStarted">;
  jailNotes: JailNotes;
  confirmations: Confirmations;
  clock: Clock;
  /** The fail2ban host these services act on; recorded with every event. */
  host: string;
  /** This machine's own addresses, read when asked (interfaces come and go). */
  hostAddresses: () => readonly string[];
  catalogue: readonly AnyCommand[];
  blocklists: Blocklists;
  geo: GeoLookup;
  alerts: Alerts;
  mutes: AlertMutes;
  history: History;
  /** What the background jobs last did (whichever process runs them). */
  jobs: JobRuns;
}

export type Ctx<K extends keyof Services> = Pick<Services, K> & Invocation;

/** A command of the catalogue: whatever its options, it runs with the full Services. */
export type AnyCommand = CommandDef<readonly OptionSpec[], Services>;
