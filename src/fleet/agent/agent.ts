import { readFileSync } from "node:fs";
import type { ConnectionOptions } from "@nats-io/transport-node";
import type { Logger } from "pino";
import type { Core } from "../../compose.js";
import type { Config } from "../../config.js";
import { within } from "../../core/deadline.js";
import { isUserError } from "../../core/errors.js";
import { historySocketPath } from "../../cli/capture-check.js";
import { buildScheduler } from "../../jobs/build.js";
import { createFleetRequests } from "../../store/fleet-requests.js";
import { fleetConnectionOptions } from "../connection-options.js";
import { defaultFleetHost } from "../host-name.js";
import { FleetLink } from "../link.js";
import { fleetSubjects } from "../subjects.js";
import { AlertPublisher } from "./alert-publisher.js";
import { BanPublisher } from "./ban-publisher.js";
import { fleetAlertRoute } from "./alert-route.js";
import { HeartbeatSender } from "./heartbeat.js";
import { CommandResponder } from "./responder.js";

/** Shutdown budgets, as `banbot start` has them: gone within seconds whatever NATS or fail2ban do. */
const SHUTDOWN = { drainMs: 3_000, jobsMs: 2_000, closeMs: 2_000 };

export interface AgentDeps {
  /** With `fleet.host` decided (BANBOT_HOST or the hostname). */
  config: Config & { fleet: { host: string } };
  /** Built with fleetAlertRoute, so alerts wait for the front instead of going to chat. */
  core: Core;
  /** From fleetConnectionOptions, as an agent. */
  options: ConnectionOptions;
  log: Logger;
}

export interface RunningAgent {
  /** Resolves once first connected to NATS and listening for commands. */
  connected(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * What `banbot agent` runs with: the host's name decided (BANBOT_HOST, else the hostname), the NATS
 * options with their credentials read, and the alert routing that hands every alert to the front.
 */
export function agentSetup(
  config: Config,
  osHostname: string,
): { error: string } | { config: AgentDeps["config"]; options: ConnectionOptions; routeAlert: typeof fleetAlertRoute } {
  const { url } = config.fleet;
  if (url === undefined) return { error: "banbot agent needs BANBOT_NATS_URL: the NATS server through which its front reaches it (docs/fleet.md)." };
  const host = config.fleet.host ?? defaultFleetHost(osHostname);
  const fleet = { ...config.fleet, host };
  const options = fleetConnectionOptions({ ...fleet, url }, { kind: "agent", host }, (path) => readFileSync(path, "utf8"));
  return { config: { ...config, fleet }, options, routeAlert: fleetAlertRoute };
}

/**
 * `banbot agent`: this host's core (fail2ban, history capture, timed bans, blocklists, its own
 * store and jobs) without chat; commands come from the front over NATS, alerts go to it through
 * the outbox. It dials out and keeps running while NATS is away.
 */
export async function startAgent({ config, core, options, log }: AgentDeps): Promise<RunningAgent> {
  const { host } = config.fleet;
  const subjects = fleetSubjects(config.fleet.name);
  const now = () => core.services.clock.now();
  const connection = () => link.connection;
  const scheduler = buildScheduler(config, core, [new AlertPublisher({ connection, subject: subjects.alert(host), bansSubject: subjects.bans(host) })], log);
  const responder = new CommandResponder({
    dispatcher: core.dispatcher,
    requests: createFleetRequests(core.db),
    effectOf: (name) => core.services.catalogue.find((c) => c.name === name)?.effect,
    names: async ({ names, jail }) => {
      const { fail2ban } = core.services;
      if (names === "jails") return (await fail2ban.status()).jails;
      if (jail && jail !== "all") return await fail2ban.bannedIps(jail);
      return [...(await fail2ban.banned()).values()].flat();
    },
    now,
    log: log.child({ component: "fleet-commands" }),
  });
  const deliverNow = () => void scheduler.runNow("alert-delivery");
  const bans = new BanPublisher({ outbox: core.outbox, now, deliver: deliverNow, log: log.child({ component: "fleet-bans" }) });
  const unsubscribeBans = core.services.history.subscribe(bans.onArchived);
  const heartbeat = new HeartbeatSender({ connection, subject: subjects.heartbeat(host), intervalMs: config.fleet.heartbeatMs, now });
  const link: FleetLink = new FleetLink({
    options,
    log: log.child({ component: "nats" }),
    onConnection: async (nc) => {
      responder.listen(nc, subjects.command(host));
      await nc.flush();
      heartbeat.start();
      // Alerts and bans queued while NATS was away go now, not at the outbox's next retry.
      deliverNow();
    },
  });

  let history: { close(): Promise<void> } | undefined;
  try {
    history = await core.services.history.listen({ path: historySocketPath(config), mode: config.history.socketMode });
  } catch (err) {
    if (!isUserError(err)) throw err;
    log.warn({ err }, "ban history capture socket unavailable; relying on the backfill");
  }
  scheduler.start();
  link.start();
  log.info({ host, fleet: config.fleet.name, servers: options.servers, jobs: scheduler.active }, "BanBot agent started");

  return {
    connected: () => link.connected(),
    async stop() {
      const stopping = performance.now();
      await within(responder.stop(), SHUTDOWN.drainMs);
      await core.dispatcher.drain(SHUTDOWN.drainMs);
      unsubscribeBans();
      bans.stop();
      // One last delivery of what is queued, while NATS is still there; the rest goes at the next start.
      await scheduler.stop(["alert-delivery"], { waitMs: SHUTDOWN.jobsMs });
      await heartbeat.stop();
      await within(link.close(), SHUTDOWN.closeMs);
      await history?.close();
      log.info({ ms: Math.round(performance.now() - stopping) }, "agent stopped");
    },
  };
}

/** Runs the agent until `stopSignal` resolves. */
export async function runAgent(deps: AgentDeps & { stopSignal: Promise<string> }): Promise<number> {
  const agent = await startAgent(deps);
  const signal = await deps.stopSignal;
  deps.log.info({ signal }, "shutting down");
  await agent.stop();
  // Nothing of BanBot's is left to wait for; NATS's reconnect timer must not keep it alive.
  setTimeout(() => process.exit(), 1_000).unref();
  return 0;
}
