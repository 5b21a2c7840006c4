import { hostname } from "node:os";
import type { Database } from "better-sqlite3";
import type { Logger } from "pino";
import { COMMANDS } from "../commands/index.js";
import type { Config } from "./config.js";
import { createAuditLog } from "./store/audit-log.js";
import { createConfirmations } from "./store/confirmations.js";
import { createJailNotes } from "./store/jail-notes.js";
import { createTimedBans } from "./store/timed-bans.js";
import { Dispatcher } from "./core/dispatch.js";
import { SocketFail2ban } from "./core/fail2ban/client.js";
import { CliConfigOps } from "./core/fail2ban/config-ops.js";
import { Fail2banConnection } from "./core/fail2ban/connection.js";
import { RateLimiter } from "./core/rate-limit.js";
import type { Clock, Services } from "./core/services.js";

export interface Core {
  services: Services;
  dispatcher: Dispatcher;
  close(): Promise<void>;
}

/** Builds the platform-neutral core on an open, migrated store. Called from the composition root only. */
export function buildCore(config: Config, db: Database, log: Logger, clock: Clock = { now: () => Date.now() }): Core {
  const fail2banLog = log.child({ component: "fail2ban" });
  const conn = new Fail2banConnection({ socketPath: config.fail2ban.socket, timeoutMs: config.fail2ban.timeoutMs, log: fail2banLog });
  const fail2ban = new SocketFail2ban(conn, fail2banLog);
  const host = hostname();
  const services: Services = {
    fail2ban,
    configOps: new CliConfigOps({
      clientPath: config.fail2ban.clientPath,
      configDir: config.fail2ban.configDir,
      socketPath: config.fail2ban.socket,
      timeoutMs: Math.max(config.fail2ban.timeoutMs, 60_000),
      log: fail2banLog,
      jailExists: async (jail) => (await fail2ban.status()).jails.includes(jail),
    }),
    audit: createAuditLog(db),
    timedBans: createTimedBans(db, { host }),
    jailNotes: createJailNotes(db),
    confirmations: createConfirmations(db),
    clock,
    host,
    catalogue: COMMANDS,
  };
  const dispatcher = new Dispatcher({
    services,
    grants: config.access.grants,
    rateLimiter: new RateLimiter({ perMinute: config.commands.rateLimit.perMinute, now: () => clock.now() }),
    log: log.child({ component: "commands" }),
    confirmTtlMs: config.commands.confirmTimeoutMs,
  });
  return { services, dispatcher, close: () => conn.close() };
}
