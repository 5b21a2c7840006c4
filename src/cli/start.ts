import type { Logger } from "pino";
import type { Core } from "../compose.js";
import type { ChatAdapter } from "../core/chat.js";
import { within } from "../core/deadline.js";
import type { Scheduler } from "../jobs/scheduler.js";
import type { OpsServer } from "../ops/server.js";
import { isUserError } from "../core/errors.js";

/**
 * How long each step of shutdown may take. Whatever Slack, Discord or fail2ban are doing, the
 * process is gone within seconds (systemd's stop timeout would otherwise end in SIGKILL, on every
 * restart during an outage); what is not delivered stays in the outbox for the next start.
 */
const SHUTDOWN = {
  /** Commands under way finish and reply. */
  drainMs: 3_000,
  /** Running jobs finish, then one last alert delivery. */
  jobsMs: 2_000,
  /** The platforms' goodbyes (closing a gateway or a socket that may never answer). */
  goodbyeMs: 2_000,
  /** After that, handles a library keeps open (a reconnect timer) no longer keep the process up. */
  lingerMs: 1_000,
};

export interface StartDeps {
  core: Core;
  adapters: ChatAdapter[];
  scheduler: Scheduler;
  log: Logger;
  /** Resolves when the process should shut down (SIGTERM/SIGINT in production). */
  stopSignal: Promise<string>;
  /** Starts /healthz and /metrics when configured; told which adapters are up. */
  startOps?: (adaptersUp: () => Record<string, boolean>) => Promise<OpsServer>;
  /** Opens the socket BanBot's fail2ban action reports bans to. */
  listenHistory: () => Promise<{ close(): Promise<void> }>;
}

/**
 * `banbot start`: adapters up, then the jobs; run until told to stop; then the jobs down (waiting for
 * running ones), one last alert delivery while the adapters still work, and the adapters down, each
 * step within its SHUTDOWN budget.
 */
export async function runStart({ core, adapters, scheduler, log, stopSignal, startOps, listenHistory }: StartDeps): Promise<number> {
  const started: ChatAdapter[] = [];
  let ops: OpsServer | undefined;
  let history: { close(): Promise<void> } | undefined;
  try {
    core.geo.load();
    try {
      history = await listenHistory();
    } catch (err) {
      // Another BanBot owns the socket: this one still archives through the backfill from fail2ban's DB.
      if (!isUserError(err)) throw err;
      log.warn({ err }, "ban history capture socket unavailable; relying on the backfill");
    }
    ops = await startOps?.(() => Object.fromEntries(adapters.map((a) => [a.platform, started.includes(a)])));
    for (const adapter of adapters) {
      await adapter.start();
      started.push(adapter);
      log.info({ platform: adapter.platform }, "chat adapter started");
    }
    scheduler.start();
    log.info({ adapters: adapters.map((a) => a.platform), host: core.services.host, jobs: scheduler.active }, "BanBot started");
    const signal = await stopSignal;
    log.info({ signal }, "shutting down");
    return 0;
  } finally {
    const stopping = performance.now();
    // Commands under way finish (and reply) while the adapters are still connected.
    await core.dispatcher.drain(SHUTDOWN.drainMs);
    await scheduler.stop(["alert-delivery"], { waitMs: SHUTDOWN.jobsMs });
    await ops?.close();
    await history?.close();
    await Promise.all(started.reverse().map((adapter) => goodbye(adapter, log)));
    log.info({ ms: Math.round(performance.now() - stopping) }, "stopped");
    // Nothing of BanBot's is left to wait for; a library's reconnect timer must not keep it alive.
    setTimeout(() => process.exit(), SHUTDOWN.lingerMs).unref();
  }
}

async function goodbye(adapter: ChatAdapter, log: Logger): Promise<void> {
  try {
    const said = await within(adapter.stop(), SHUTDOWN.goodbyeMs);
    if (!said.done) log.warn({ platform: adapter.platform, waitedMs: SHUTDOWN.goodbyeMs }, "gave up waiting for the platform to say goodbye");
  } catch (err) {
    log.error({ err, platform: adapter.platform }, "adapter stop failed");
  }
}
