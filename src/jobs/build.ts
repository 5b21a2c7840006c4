import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { checkHealth, fail2banDownReason } from "../core/alerts/health.js";
import { deliverDue } from "../core/alerts/outbox-worker.js";
import { checkSilentJails } from "../core/alerts/silent.js";
import { SpikeDetector } from "../core/alerts/spike.js";
import type { Core } from "../compose.js";
import type { Config } from "../config.js";
import type { ChatAdapter } from "../core/chat.js";
import { describeResult } from "../core/geo/country.js";
import type { GeoLookup } from "../core/geo/model.js";
import { asLabel } from "../core/history/describe.js";
import { blocklistImportsJob } from "./blocklist-imports.js";
import { digestJob } from "./digest.js";
import { historyRetentionJob } from "./history-retention.js";
import { historySyncJob } from "./history-sync.js";
import { housekeepingJob } from "./housekeeping.js";
import { ownBansQuery } from "../store/own-bans.js";
import { InstanceLock } from "../store/instance-lock.js";
import { Scheduler, type Job } from "./scheduler.js";
import { timedBanExpiryJob } from "./timed-ban-expiry.js";

// A holder that has not renewed for this long is presumed dead (heartbeats come every 10 s).
const LOCK_STALE_MS = 45_000;

/** Every background job of `banbot start`, on one scheduler guarded by the instance lock. */
export function buildScheduler(config: Config, core: Core, adapters: readonly ChatAdapter[], log: Logger): Scheduler {
  const { services, internals } = core;
  const now = () => services.clock.now();
  const jobLog = log.child({ component: "jobs" });
  const owner = `${services.host}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const scheduler = new Scheduler({
    log: jobLog,
    lock: new InstanceLock(internals.db, owner, LOCK_STALE_MS),
    now,
    storeWritable: () => internals.storeWritable(),
    onRun: (name, error) => {
      internals.metrics.observeJob(name, error === undefined);
      services.jobs.record(name, now(), error);
    },
  });
  // An alert goes out at once rather than at the delivery job's next tick (when it is not busy already).
  const raise = (alert: Parameters<typeof services.alerts.raise>[0]) => {
    if (services.alerts.raise(alert) > 0) void scheduler.runNow("alert-delivery");
  };
  const delivery = new Map(adapters.map((a) => [a.platform, a] as const));
  // While the health check knows fail2ban is down, the jobs that need it wait: the one health alert
  // says it all, and what was due (an import, a timed unban) runs at the first tick after recovery.
  const needsFail2ban = (job: Job): Job => ({ ...job, holdReason: () => fail2banDownReason(internals.alertState, now()) });
  const spikes = new SpikeDetector({
    ...config.alerts.spike,
    fail2ban: internals.urgentFail2ban,
    state: internals.alertState,
    raise,
    now,
    host: services.host,
    locate: (ips) => locate(services.geo, ips),
    ownBans: ownBansQuery(internals.db, services.host),
  });
  // Filter bans count as the capture archives them; only the process running the jobs alerts.
  scheduler.follow(() =>
    services.history.subscribe((events) => {
      if (scheduler.active) spikes.observe(events);
    }),
  );
  const jobs: Job[] = [
    {
      name: "alert-delivery",
      schedule: "*/2 * * * * *",
      run: async () => internals.metrics.alertsSent((await deliverDue({ outbox: internals.outbox, adapters: delivery, now, log: jobLog })).sent),
    },
    {
      name: "health-check",
      schedule: everySeconds(config.alerts.health.intervalMs / 1000),
      run: () =>
        checkHealth({
          fail2ban: internals.urgentFail2ban,
          state: internals.alertState,
          raise,
          now,
          host: services.host,
          threshold: config.alerts.health.failures,
          timeoutMs: config.fail2ban.timeoutMs,
          expectedGone: (jail, at) =>
            services.audit.query({ since: at - 5 * 60_000, limit: 50 }).some((r) => r.command === "stop" && r.outcome === "ok" && r.commandLine === `stop ${jail}`),
        }),
    },
    needsFail2ban({ name: "spike-detection", schedule: "0 * * * * *", run: () => spikes.tick() }),
    needsFail2ban({
      name: "silent-jails",
      schedule: "0 */5 * * * *",
      run: () =>
        checkSilentJails({ fail2ban: internals.urgentFail2ban, state: internals.alertState, raise, now, host: services.host, afterMs: config.alerts.silent.afterMs }),
    }),
    needsFail2ban(timedBanExpiryJob(internals.timedBanKeeper)),
    needsFail2ban(
      blocklistImportsJob({
        blocklists: services.blocklists,
        state: internals.alertState,
        raise,
        reportRun: (report) => services.alerts.blocklistRun(report),
        audit: services.audit,
        now,
        host: services.host,
        log: jobLog,
      }),
    ),
    { name: "geo-flush", schedule: "*/30 * * * * *", run: async () => void (await internals.geo.flush()) },
    { name: "geo-retry", schedule: "0 */5 * * * *", run: async () => void (await internals.geo.retryUnresolved(now(), 100)) },
    { name: "geo-purge", schedule: "0 17 3 * * *", run: () => Promise.resolve(void internals.geo.purge(now())) },
    digestJob({ dispatcher: core.dispatcher, raise, now, host: services.host }),
    needsFail2ban(historySyncJob({ history: services.history, fail2ban: services.fail2ban, log: jobLog })),
    historyRetentionJob({ history: services.history, now, log: jobLog }),
    housekeepingJob({ confirmations: services.confirmations, rateLimiter: internals.rateLimiter, now, log: jobLog }),
  ];
  for (const job of jobs) scheduler.add(job);
  return scheduler;
}

// Croner patterns have a seconds field; the config only allows intervals that divide a minute.
function everySeconds(seconds: number): string {
  return seconds >= 60 ? "0 * * * * *" : `*/${seconds} * * * * *`;
}

// Country (or range) and network of each address, for the spike alert's summary.
function locate(geo: GeoLookup, ips: readonly string[]): Map<string, { country: string; network?: string }> {
  return new Map(
    [...geo.lookupMany(ips)].map(([ip, r]) => {
      const network = r.kind === "found" && r.info.asn !== undefined ? asLabel(r.info.asn, r.info.org) : undefined;
      return [ip, { country: describeResult(r).label, network }];
    }),
  );
}
