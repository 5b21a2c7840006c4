import { readFileSync } from "node:fs";
import type { ConnectionOptions } from "@nats-io/transport-node";
import type { Logger } from "pino";
import type { Alert } from "../../alerts/alert.js";
import type { Core } from "../../compose.js";
import type { Config } from "../../config.js";
import { fleetConnectionOptions } from "../connection-options.js";
import { FleetLink } from "../link.js";
import { fleetSubjects } from "../subjects.js";
import type { AlertEvent } from "../wire.js";
import { AlertConsumer } from "./alert-consumer.js";
import { FleetClient } from "./client.js";
import { HeartbeatTracker } from "./heartbeats.js";

export interface FrontDeps {
  fleet: Config["fleet"];
  /** From fleetConnectionOptions, as the front. */
  options: ConnectionOptions;
  log: Logger;
  now: () => number;
  /** Queues an agent's alert in the front's own routing (see AlertConsumerDeps.deliver). */
  deliver: (alert: Alert) => void;
}

/** The fleet as the front sees it: commands out, alerts in, who is alive. */
export interface RunningFront {
  client: FleetClient;
  tracker: HeartbeatTracker;
  /** Resolves once connected with the stream set up (e.g. before a one-shot `exec` sends). */
  connected(): Promise<void>;
  close(): Promise<void>;
}

/** Connects the front to the fleet, in the background: chat works whether or not NATS does. */
export function startFront({ fleet, options, log, now, deliver }: FrontDeps): RunningFront {
  const subjects = fleetSubjects(fleet.name);
  const natsLog = log.child({ component: "fleet" });
  const tracker = new HeartbeatTracker({ subjects, expected: fleet.hosts, now, log: natsLog });
  const alerts = new AlertConsumer({ subjects, log: natsLog, deliver: (host, event) => deliver(hostAlert(host, event)) });
  const link = new FleetLink({
    options,
    log: natsLog,
    onConnection: async (nc) => {
      tracker.listen(nc);
      await alerts.start(nc);
    },
  });
  link.start();
  return {
    client: new FleetClient({ connection: () => link.connection, subjects, log: natsLog }),
    tracker,
    connected: () => link.connected(),
    async close() {
      await alerts.stop();
      tracker.stop();
      await link.close();
    },
  };
}

/**
 * `banbot start` in fleet mode (BANBOT_NATS_URL set): the agents' alerts join this process's alert
 * routing and outbox; `deliverNow` runs the outbox delivery at once.
 */
export function startFleetFront(fleet: Config["fleet"] & { url: string }, core: Core, log: Logger, deliverNow: () => void): RunningFront {
  return startFront({
    fleet,
    options: fleetConnectionOptions(fleet, { kind: "front" }, (path) => readFileSync(path, "utf8")),
    log,
    now: () => core.services.clock.now(),
    deliver: (alert) => {
      if (core.services.alerts.raise(alert) > 0) deliverNow();
    },
  });
}

/**
 * An agent's alert as one of the front's own: its incident is the host's (two hosts' incidents never
 * merge, and an event that comes again is queued under the same keys, so not twice), and its title
 * names the host where it does not already.
 */
export function hostAlert(host: string, event: AlertEvent): Alert {
  const { kind, jail, incident, step, seq, reply } = event;
  const named = reply.title.split(/[^A-Za-z0-9_-]+/).includes(host);
  return { kind, jail, incident: `${host}/${incident}`, step, seq, reply: named ? reply : { ...reply, title: `${host}: ${reply.title}` } };
}
