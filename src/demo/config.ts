import { join } from "node:path";
import type { Config } from "../config.js";
import { ALERT_KINDS } from "../core/alerts/alert.js";
import type { AlertRoute } from "../core/alerts/router.js";

// Every alert kind goes to the demo's console.
const CONSOLE_ROUTE: AlertRoute = { kinds: [...ALERT_KINDS], jails: undefined, slackChannel: undefined, discordChannel: undefined, console: true };

/** Every platform the configuration knows, switched off: a new one cannot be missed here. */
function allOff(platforms: Config["platforms"]): { [P in keyof Config["platforms"]]: undefined } {
  return Object.fromEntries(Object.keys(platforms).map((p) => [p, undefined])) as { [P in keyof Config["platforms"]]: undefined };
}

/**
 * The user's configuration (BANBOT_CONFIG and environment: geo files, confirmation timeout, spike
 * thresholds…) pointed at the sandbox: its fail2ban socket and config dir, a throwaway store and
 * history socket, and the built-in ASN table on. No chat platform runs in the demo, so alerts go to
 * its console only: synthetic attacks must never reach a real channel.
 */
export function demoConfig(config: Config, sandbox: { socketPath: string; dir: string }, dataDir: string): Config {
  return {
    ...config,
    dataDir,
    fail2ban: { ...config.fail2ban, socket: sandbox.socketPath, configDir: join(sandbox.dir, "conf") },
    history: { ...config.history, socket: join(dataDir, "history.sock") },
    alerts: { ...config.alerts, routes: [CONSOLE_ROUTE] },
    // The built-in country database has no AS numbers; the demo's `top asns` and `ip` show them.
    geo: { ...config.geo, builtinAsn: true },
    http: { ...config.http, port: undefined },
    platforms: allOff(config.platforms),
  };
}
