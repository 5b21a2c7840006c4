import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { fail2banDownReason, stoppedThroughBanBot } from "../core/alerts/health.js";
import { placesOf } from "../core/alerts/places.js";
import type { Core } from "../compose.js";
import type { Config } from "../config.js";
import type { ChatAdapter } from "../core/chat.js";
import type { FleetHosts } from "../core/ports/fleet.js";
import { InstanceLock } from "../store/instance-lock.js";
import { ownBansQuery } from "../store/own-bans.js";
import { alertDeliveryJob } from "./alert-delivery.js";
import { blocklistImportsJob } from "./blocklist-imports.js";
import { digestJob } from "./digest.js";
import { fleetHostsJob } from "./fleet-hosts.js";
import { geoFlushJob } from "./geo-flush.js";
import { geoPurgeJob } from "./geo-purge.js";
import { geoRetryJob } from "./geo-retry.js";
import { healthCheckJob } from "./health-check.js";
import { historyRetentionJob } from "./history-retention.js";
import { historySyncJob } from "./history-sync.js";
import { housekeepingJob } from "./housekeeping.js";
import { Scheduler, type Job } from "./scheduler.js";
import { silentJailsJob } from "./silent-jails.js";
import { spikeDetectionJob } from "./spike-detection.js";
import { timedBanExpiryJob } from "./timed-ban-expiry.js";

// A holder that has not renewed for this long is presumed dead (heartbeats come every 10 s).
const LOCK_STALE_MS = 45_000;

/**
 * Every background job of `banbot start`, on one scheduler guarded by the instance lock. A fleet's
 * front (`fleet`) has no fail2ban of its own: instead of the jobs that watch one, it watches its
 * hosts' heartbeats (each agent runs its host's jobs).
 */
export function buildScheduler(config: Config, core: Core, adapters: readonly ChatAdapter[], log: Logger, opts: { fleet?: FleetHosts } = {}): Scheduler {
  const { services } = core;
  const { host } = services;
  const now = () => services.clock.now();
  const jobLog = log.child({ component: "jobs" });
  const owner = `${host}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const scheduler = new Scheduler({
    log: jobLog,
    lock: new InstanceLock(core.db, owner, LOCK_STALE_MS),
    now,
    storeWritable: () => core.storeWritable(),
    onRun: (name, error) => {
      core.metrics.observeJob(name, error === undefined);
      services.jobs.record(name, now(), error);
    },
  });
  // An alert goes out at once rather than at the delivery job's next tick (when it is not busy already).
  const raise = (alert: Parameters<typeof services.alerts.raise>[0]) => {
    if (services.alerts.raise(alert) > 0) void scheduler.runNow("alert-delivery");
  };
  // While the health check knows fail2ban is down, the jobs that need it wait: the one health alert
  // says it all, and what was due (an import, a timed unban) runs at the first tick after recovery.
  const needsFail2ban = (job: Job): Job => ({ ...job, holdReason: () => fail2banDownReason(core.alertState, now()) });
  // The detectors ask fail2ban in the urgent lane and share what they remember.
  const detector = { fail2ban: core.urgentFail2ban, state: core.alertState, raise, now, host };
  const delivery = alertDeliveryJob({ outbox: core.outbox, adapters: new Map(adapters.map((a) => [a.platform, a] as const)), metrics: core.metrics, now, log: jobLog });
  const upkeep = [
    geoFlushJob(core.geo),
    geoRetryJob({ geo: core.geo, now }),
    geoPurgeJob({ geo: core.geo, now }),
    digestJob({ dispatcher: core.dispatcher, raise, now, host }),
    historyRetentionJob({ history: services.history, now, log: jobLog }),
    housekeepingJob({ confirmations: services.confirmations, rateLimiter: core.rateLimiter, now, log: jobLog }),
  ];
  const { fleet } = opts;
  const heartbeatMs = config.fleet.heartbeatMs;
  const jobs: Job[] = fleet
    ? [delivery, fleetHostsJob({ presence: () => fleet.presence(), state: core.alertState, raise, now, graceUntil: now() + 3 * heartbeatMs, intervalMs: heartbeatMs }), ...upkeep]
    : [delivery, ...hostJobs(), ...upkeep];
  for (const job of jobs) scheduler.add(job);
  return scheduler;

  function hostJobs(): Job[] {
    return [
      healthCheckJob({
        ...detector,
        intervalMs: config.alerts.health.intervalMs,
        threshold: config.alerts.health.failures,
        timeoutMs: config.fail2ban.timeoutMs,
        expectedGone: stoppedThroughBanBot(services.audit),
      }),
      needsFail2ban(
        spikeDetectionJob({
          ...config.alerts.spike,
          ...detector,
          locate: (ips) => placesOf(services.geo, ips),
          ownBans: ownBansQuery(core.db, host),
          // Filter bans count as the capture archives them; only the process running the jobs alerts.
          history: services.history,
          active: () => scheduler.active,
        }),
      ),
      needsFail2ban(silentJailsJob({ ...detector, afterMs: config.alerts.silent.afterMs })),
      needsFail2ban(timedBanExpiryJob(core.timedBanKeeper)),
      needsFail2ban(
        blocklistImportsJob({
          blocklists: services.blocklists,
          state: core.alertState,
          raise,
          reportRun: (report) => services.alerts.blocklistRun(report),
          audit: services.audit,
          now,
          host,
          log: jobLog,
        }),
      ),
      needsFail2ban(historySyncJob({ history: services.history, fail2ban: services.fail2ban, log: jobLog })),
    ];
  }
}
