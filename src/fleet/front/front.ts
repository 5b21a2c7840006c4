import { readFileSync } from "node:fs";
import type { ConnectionOptions } from "@nats-io/transport-node";
import type { Logger } from "pino";
import type { Alert } from "../../core/alerts/alert.js";
import type { Core } from "../../compose.js";
import type { Config } from "../../config.js";
import { within } from "../../core/deadline.js";
import { takeHostAlert } from "../../core/fleet/host-alerts.js";
import type { FleetHosts } from "../../core/ports/fleet.js";
import { noteFleetBans, type FleetBan } from "../../core/fleet/seen-across.js";
import { fleetConnectionOptions } from "../connection-options.js";
import { FleetLink } from "../link.js";
import { fleetSubjects } from "../subjects.js";
import { AlertConsumer } from "./alert-consumer.js";
import { FleetClient } from "./client.js";
import { HeartbeatTracker } from "./heartbeats.js";
import { resolveTarget, targetNames } from "./targets.js";

export interface FrontDeps {
  fleet: Config["fleet"];
  /** From fleetConnectionOptions, as the front. */
  options: ConnectionOptions;
  log: Logger;
  now: () => number;
  /**
   * `exec` and the console: the first command for hosts connects, and each waits for the first
   * connection up to the deadline, so a one-shot command is not refused for being quick. What runs
   * on the front (help, audit, alert routes) never touches NATS: it answers at once, NATS up or not.
   */
  connectOnUse?: boolean;
}

/** The fleet as the front sees it: commands out, alerts in, who is alive. */
export interface Front {
  client: FleetClient;
  tracker: HeartbeatTracker;
  /** The dispatcher's view: targets and running a line on hosts, within the fleet's deadline. */
  hosts: FleetHosts;
  /**
   * Connects in the background (chat works whether or not NATS does). With `deliver`, the agents'
   * alerts are consumed and handed to it with their host (see AlertConsumerDeps.deliver): `banbot
   * start` only, a one-shot `exec` leaves them for the front.
   */
  start(deliver?: (host: string, alert: Alert) => void, bans?: (host: string, bans: readonly FleetBan[]) => void): void;
  /** Resolves once connected with the stream set up. */
  connected(): Promise<void>;
  close(): Promise<void>;
}

/** The front's side of the fleet, not yet connected: the dispatcher can be built on `hosts` first. */
export function createFront({ fleet, options, log, now, connectOnUse = false }: FrontDeps): Front {
  const subjects = fleetSubjects(fleet.name);
  const natsLog = log.child({ component: "fleet" });
  const tracker = new HeartbeatTracker({ subjects, expected: fleet.hosts, now, log: natsLog });
  let alerts: AlertConsumer | undefined;
  const link = new FleetLink({
    options,
    log: natsLog,
    onConnection: async (nc) => {
      tracker.listen(nc);
      await alerts?.start(nc);
    },
  });
  const client = new FleetClient({ connection: () => link.connection, subjects, log: natsLog });
  const seen = () => tracker.hosts().flatMap((h) => (h.lastSeen === undefined ? [] : [h.host]));
  return {
    client,
    tracker,
    hosts: {
      defaultTarget: fleet.defaultTarget,
      resolve: (target) => resolveTarget(target, fleet, seen()),
      run: async (line, hosts, command) => {
        if (connectOnUse) {
          link.start();
          // Not connected by then: each host's answer says so.
          await within(link.connected(), fleet.deadlineMs);
        }
        return await client.run(line, hosts, { ...command, deadlineMs: fleet.deadlineMs });
      },
      names: async (names, hosts, jail) => await client.names({ names, ...(jail === undefined ? {} : { jail }) }, hosts, fleet.deadlineMs),
      presence: () => tracker.hosts(),
      targets: () => targetNames(fleet, seen()),
    },
    start(deliver, bans) {
      if (deliver) {
        alerts = new AlertConsumer({
          subjects,
          log: natsLog,
          deliver: (host, { v: _v, ...alert }) => deliver(host, alert),
          ...(bans ? { bans: (host: string, event: { bans: readonly FleetBan[] }) => bans(host, event.bans) } : {}),
        });
      }
      link.start();
    },
    connected: () => link.connected(),
    async close() {
      await alerts?.stop();
      tracker.stop();
      await link.close();
    },
  };
}

/** The front of `banbot start`, `exec` and `console` in fleet mode (BANBOT_NATS_URL set). */
export function createFleetFront(fleet: Config["fleet"] & { url: string }, log: Logger, opts: Pick<FrontDeps, "connectOnUse"> = {}): Front {
  return createFront({ fleet, options: fleetConnectionOptions(fleet, { kind: "front" }, (path) => readFileSync(path, "utf8")), log, now: () => Date.now(), ...opts });
}

/**
 * `banbot start`'s alert intake: an agent's alert joins this process's routing and outbox, and
 * `deliverNow` runs the outbox delivery at once.
 */
export function intoRouting(core: Core, deliverNow: () => void): (alert: Alert) => void {
  return (alert) => {
    if (core.services.alerts.raise(alert) > 0) deliverNow();
  };
}

/**
 * `banbot start`'s intake of the agents' alerts: each names its host, and health and spike alerts
 * that several hosts raise together are one incident (core/fleet/host-alerts.ts), in its alert state.
 */
export function hostAlertsIntoRouting(core: Core, deliverNow: () => void): (host: string, alert: Alert) => void {
  const raise = intoRouting(core, deliverNow);
  return (host, alert) => takeHostAlert({ state: core.alertState, raise, now: () => core.services.clock.now() }, host, alert);
}

/**
 * `banbot start`'s "seen across the fleet" watch over the bans agents report (fleet.seen_across),
 * its memory in the front's alert state; what it raises goes the way of `intoRouting`.
 */
export function seenAcrossWatch(core: Core, seenAcross: Config["fleet"]["seenAcross"], deliverNow: () => void): (host: string, bans: readonly FleetBan[]) => void {
  const raise = intoRouting(core, deliverNow);
  return (host, bans) => noteFleetBans({ state: core.alertState, raise, now: () => core.services.clock.now(), ...seenAcross }, host, bans);
}
