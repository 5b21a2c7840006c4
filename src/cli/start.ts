import type { Logger } from "pino";
import type { Core } from "../compose.js";
import type { ChatAdapter } from "../core/chat.js";
import type { Scheduler } from "../jobs/scheduler.js";
import type { OpsServer } from "../ops/server.js";
import { isUserError } from "../core/errors.js";

const DRAIN_MS = 15_000;

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
 * running ones), one last alert delivery while the adapters still work, and the adapters down.
 */
export async function runStart({ core, adapters, scheduler, log, stopSignal, startOps, listenHistory }: StartDeps): Promise<number> {
  const started: ChatAdapter[] = [];
  let ops: OpsServer | undefined;
  let history: { close(): Promise<void> } | undefined;
  try {
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
    // Commands under way finish (and reply) while the adapters are still connected.
    await core.dispatcher.drain(DRAIN_MS);
    await scheduler.stop(["alert-delivery"]);
    await ops?.close();
    await history?.close();
    for (const adapter of started.reverse()) {
      await adapter.stop().catch((err: unknown) => log.error({ err, platform: adapter.platform }, "adapter stop failed"));
    }
  }
}
