import type { Logger } from "pino";
import type { Core } from "../compose.js";
import type { Config } from "../config.js";
import type { Scheduler } from "../jobs/scheduler.js";
import { healthCheck } from "./health.js";
import { startOpsServer, type OpsServer } from "./server.js";

/**
 * How `banbot start` starts `/healthz` and `/metrics` once it knows its adapters, or undefined when
 * BANBOT_HTTP_PORT is unset.
 */
export function opsStarter(deps: {
  http: Config["http"];
  core: Pick<Core, "metrics" | "urgentFail2ban" | "db">;
  scheduler: Pick<Scheduler, "active" | "jobStatus">;
  log: Logger;
}): ((adaptersUp: () => Record<string, boolean>) => Promise<OpsServer>) | undefined {
  const { http, core, scheduler, log } = deps;
  const { port, host } = http;
  if (port === undefined) return undefined;
  return (adaptersUp) =>
    startOpsServer({
      port,
      host,
      registry: core.metrics.registry,
      health: healthCheck({ fail2ban: core.urgentFail2ban, db: core.db, adapters: adaptersUp, scheduler }),
      log: log.child({ component: "ops" }),
    });
}
