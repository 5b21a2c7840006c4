import { hostname, networkInterfaces } from "node:os";
import type { Database } from "better-sqlite3";
import type { Logger } from "pino";
import { COMMANDS } from "../commands/index.js";
import type { Config } from "./config.js";
import { createAuditLog } from "./store/audit-log.js";
import { createConfirmations } from "./store/confirmations.js";
import { createJailNotes } from "./store/jail-notes.js";
import { createTimedBans } from "./store/timed-bans.js";
import { Alerts, type AlertsDeps } from "./core/alerts/alerts.js";
import { createOutbox } from "./store/outbox.js";
import type { Outbox } from "./core/ports/outbox.js";
import { buildBlocklists } from "./compose/blocklists.js";
import type { FleetHosts } from "./core/ports/fleet.js";
import { openGeoDatabases } from "./core/geo/databases.js";
import { embeddedAsnDatabase, embeddedCountryDatabase } from "./core/geo/embedded.js";
import { createGeoFallback } from "./core/geo/fallback.js";
import { GeoService } from "./core/geo/service.js";
import { createAlertMutes } from "./store/alert-mutes.js";
import { createAlertState } from "./store/alert-state.js";
import type { AlertState } from "./core/ports/alert-state.js";
import { createGeoCacheStore } from "./store/geo-cache.js";
import { createMetrics, type Metrics } from "./ops/metrics.js";
import { createHistory } from "./core/history/history.js";
import type { GeoTags, OriginNote } from "./core/history/event.js";
import { createBackfillState } from "./store/history-backfill-state.js";
import { createHistoryArchive } from "./store/history-archive.js";
import { createHistoryQueries } from "./store/history-queries.js";
import { createJobRuns } from "./store/job-runs.js";
import { Dispatcher } from "./core/dispatch.js";
import { BanIndex } from "./core/fail2ban/ban-index.js";
import { SocketFail2ban } from "./core/fail2ban/client.js";
import type { Fail2ban, LanedFail2ban } from "./core/ports/fail2ban.js";
import { CliConfigOps, type Fail2banConfigOps } from "./core/fail2ban/config-ops.js";
import { Fail2banConnection } from "./core/fail2ban/connection.js";
import { RateLimiter } from "./core/rate-limit.js";
import { isStoreBusy } from "./core/store-busy.js";
import { writableWithin, writeProbe } from "./db/write-probe.js";
import type { Clock, Services } from "./core/services.js";
import { TimedBanKeeper } from "./core/timed-ban-keeper.js";

// How long a change command waits, the event loop free, for another BanBot's transaction (a
// backfill batch, a bulk ban's notes) to end before it says the store is locked.
const COMMAND_STORE_WAIT_MS = 250;

/**
 * What the composition builds, by name: the commands' services and their dispatcher, and what the
 * jobs and the ops endpoints use besides. Built here so a process without jobs still shares the stores.
 */
export interface Core {
  /** Everything a command may use. */
  services: Services;
  dispatcher: Dispatcher;
  /** BanBot's store, for what works on it directly: the instance lock, the health endpoint. */
  db: Database;
  /** Whether the store takes writes now (another process may hold its lock); never waits. */
  storeWritable: () => boolean;
  /** The same fail2ban client in the urgent lane, on a connection of its own: health checks and alert jobs never wait for commands or bulk work. */
  urgentFail2ban: Fail2ban;
  /** Alerts waiting to be posted, and what the detectors remember between runs. */
  outbox: Outbox;
  alertState: AlertState;
  /** The geo service with its cache upkeep (flush, retry, purge), which the jobs run. */
  geo: GeoService;
  timedBanKeeper: TimedBanKeeper;
  rateLimiter: RateLimiter;
  metrics: Metrics;
  /** A fleet's front: its hosts (the chat surfaces offer them as targets); undefined on one host. */
  fleet: FleetHosts | undefined;
  close(): Promise<void>;
}

/** What buildCore connects to itself unless given (tests give in-memory fakes), and how. */
export interface CoreOptions {
  fail2ban?: LanedFail2ban;
  configOps?: Fail2banConfigOps;
  /**
   * Whether this process keeps Prometheus metrics from the start (the default). A one-shot command
   * ends before anything could scrape it: without them it never loads prom-client either.
   */
  metrics?: boolean;
  /** A fleet agent's alert routing: every alert waits for its front (see fleetAlertRoute). */
  routeAlert?: AlertsDeps["route"];
  /** A fleet's front: commands run on the hosts `on …` names. */
  fleet?: FleetHosts;
}

/** Builds the platform-neutral core on an open, migrated store. Called from the composition root only. */
export function buildCore(config: Config, db: Database, log: Logger, clock: Clock = { now: () => Date.now() }, opts: CoreOptions = {}): Core {
  const fail2banLog = log.child({ component: "fail2ban" });
  // Every round trip lands in the metrics' histogram, once there are metrics.
  let conn: Fail2banConnection | undefined;
  const fail2ban =
    opts.fail2ban ??
    new SocketFail2ban(
      (conn = new Fail2banConnection({
        socketPath: config.fail2ban.socket,
        timeoutMs: config.fail2ban.timeoutMs,
        log: fail2banLog,
        observe: (event) => metrics.ifBuilt()?.observeFail2ban(event),
      })),
      fail2banLog,
    );
  const host = config.fleet.host ?? hostname();
  // Everything below is built on first use: a one-shot command builds what its command reads
  // (`exec -- status`: the job runs and the alert state), not the geo databases, the history or the
  // blocklists; `banbot start` ends up building all of it as its jobs and adapters start.
  const geoLog = log.child({ component: "geo" });
  const geoFiles = once(() =>
    openGeoDatabases({
      files: config.geo.databases,
      checkIntervalMs: config.geo.checkIntervalMs,
      embedded: embeddedCountryDatabase(),
      ...(config.geo.builtinAsn ? { embeddedAsn: embeddedAsnDatabase() } : {}),
      log: geoLog,
    }),
  );
  const geo = once(
    () =>
      new GeoService({
        databases: geoFiles(),
        store: createGeoCacheStore(db),
        fallback: createGeoFallback(config.geo.fallback, geoLog),
        now: () => clock.now(),
        log: geoLog,
        memoryEntries: config.geo.cache.memoryEntries,
        retentionMs: config.geo.cache.retentionMs,
      }),
  );
  const banIndex = once(() => new BanIndex({ fail2ban, log: fail2banLog }));
  const timedBans = once(() => createTimedBans(db, { host }));
  const jailNotes = once(() => createJailNotes(db));
  const timedBanKeeper = once(() => new TimedBanKeeper({ timedBans: timedBans(), fail2ban, history: history(), now: () => clock.now(), log: log.child({ component: "timed-bans" }) }));
  const history = once(() => {
    const built = createHistory({
      host,
      archive: createHistoryArchive(db),
      queries: createHistoryQueries(db, { host }),
      backfillState: createBackfillState(db),
      retentionMs: config.history.retentionMs,
      now: () => clock.now(),
      log: log.child({ component: "history" }),
      // Archived events carry where the address was at the time, when the geo databases know. Peeked,
      // not cached: a backfill's 100,000 addresses would crowd out the cache that commands use.
      enrich: (ips) => {
        const tags = new Map<string, GeoTags>();
        for (const [ip, r] of geo().peekMany(ips)) if (r.kind === "found") tags.set(ip, { countryCode: r.info.countryCode, asn: r.info.asn, org: r.info.org });
        return tags;
      },
    });
    // Only the capture's events: the backfill's come from fail2ban's database, where the index reads
    // any ban it does not hold, a page at a time; following a first sync's 100,000 bans cost 10 MB.
    built.subscribe((events, source) => {
      if (source === "action") banIndex().follow(events);
    });
    // Where this process listens to the capture, what it reports keeps timed bans and idle notes true.
    // A store another process keeps locked is expected, and said once by the jobs: no error.
    const failed = (what: string) => (err: unknown) => (isStoreBusy(err) ? log.warn({ err }, what) : log.error({ err }, what));
    built.subscribe((events) => void timedBanKeeper().unbanned(events).catch(failed("keeping timed bans after unbans failed")));
    built.subscribeJails((report) => {
      if (report.event !== "stop") jailNotes().jailRestarted(host, report.jail, report.at);
      if (report.event === "start") void timedBanKeeper().jailStarted(report.jail).catch(failed("renewing timed bans after a jail start failed"));
    });
    return built;
  });
  // Bans a blocklist makes are noted in the history, so their events carry the list as origin.
  const blocklists = once(() =>
    buildBlocklists(config.blocklists, {
      db,
      // Imports and expiries are bulk work: between their chunks, commands and checks go first.
      fail2ban: fail2ban.inLane("bulk"),
      clock,
      host,
      log: log.child({ component: "blocklists" }),
      onBanned: ({ jail, entries, origin, at }) => history().noteOrigin({ jail, ips: entries, origin: origin as OriginNote["origin"], at }),
      onUnbanning: ({ jail, entries, origin, at, actor }) => history().noteOrigin({ jail, ips: entries, origin: origin as OriginNote["origin"], at, actor, kind: "unban" }),
    }),
  );
  const outbox = once(() => createOutbox(db));
  const alertState = once(() => createAlertState(db));
  const mutes = once(() => createAlertMutes(db));
  const metrics = once(() => createMetrics({ fail2ban, pendingAlerts: () => outbox().pendingCount() }));
  if (opts.metrics !== false) metrics();
  const storeWritable = writeProbe(db);
  const rateLimiter = new RateLimiter({ perMinute: config.commands.rateLimit.perMinute, now: () => clock.now() });
  const services = built<Services>({
    fail2ban: () => fail2ban,
    banIndex,
    configOps: () =>
      opts.configOps ??
      new CliConfigOps({
        clientPath: config.fail2ban.clientPath,
        configDir: config.fail2ban.configDir,
        socketPath: config.fail2ban.socket,
        timeoutMs: Math.max(config.fail2ban.timeoutMs, 60_000),
        log: fail2banLog,
        jailExists: async (jail) => (await fail2ban.status()).jails.includes(jail),
      }),
    audit: () => createAuditLog(db),
    timedBans,
    timedBanKeeper,
    jailNotes,
    confirmations: () => createConfirmations(db),
    clock: () => clock,
    host: () => host,
    hostAddresses: () => () => Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address)),
    catalogue: () => COMMANDS,
    blocklists: () => blocklists().blocklists,
    geo,
    alerts: () =>
      new Alerts({ routes: config.alerts.routes, mutes: mutes(), outbox: outbox(), state: alertState(), now: () => clock.now(), host, blocklistLargeChange: config.alerts.blocklist.largeChange, route: opts.routeAlert }),
    mutes,
    history,
    jobs: () => createJobRuns(db),
  });
  const dispatcher = new Dispatcher({
    services,
    grants: config.access.grants,
    rateLimiter,
    log: log.child({ component: "commands" }),
    confirmTtlMs: config.commands.confirmTimeoutMs,
    observe: (event) => metrics.ifBuilt()?.observeCommand(event),
    storeWritable: () => writableWithin(storeWritable, COMMAND_STORE_WAIT_MS),
    fleet: opts.fleet,
  });
  const close = async (): Promise<void> => {
    await blocklists.ifBuilt()?.close();
    await geo.ifBuilt()?.close();
    geoFiles.ifBuilt()?.close();
    await conn?.close();
  };
  // What the jobs and the ops endpoints use is built when first read, like the services.
  return {
    services,
    dispatcher,
    db,
    storeWritable,
    urgentFail2ban: fail2ban.inLane("urgent"),
    get outbox() {
      return outbox();
    },
    get alertState() {
      return alertState();
    },
    get geo() {
      return geo();
    },
    get timedBanKeeper() {
      return timedBanKeeper();
    },
    rateLimiter,
    get metrics() {
      return metrics();
    },
    fleet: opts.fleet,
    close,
  };
}

/** `make` run once, on the first call; `ifBuilt` answers without building. */
function once<T>(make: () => T): (() => T) & { ifBuilt(): T | undefined } {
  let made: { value: T } | undefined;
  return Object.assign(() => (made ??= { value: make() }).value, { ifBuilt: () => made?.value });
}

/** An object whose properties are built when first read, each once. */
function built<T extends object>(factories: { [K in keyof T]: () => T[K] }): T {
  const target = {} as T;
  for (const key of Object.keys(factories) as (keyof T & string)[]) {
    Object.defineProperty(target, key, {
      enumerable: true,
      configurable: true,
      get() {
        const value = factories[key]();
        Object.defineProperty(target, key, { value, enumerable: true });
        return value;
      },
    });
  }
  return target;
}
