import type { SocketModeReceiver } from "@slack/bolt";
import type { Logger } from "pino";

type SocketClient = Pick<SocketModeReceiver["client"], "start" | "on">;

export interface Backoff {
  firstMs: number;
  maxMs: number;
}

const BACKOFF: Backoff = { firstMs: 1000, maxMs: 60_000 };

/**
 * Keeps a Socket Mode connection up, in place of the client's own reconnection (turned off): that
 * gives up when apps.connections.open cannot be reached — exactly during a Slack outage — and does
 * so by rejecting a promise nobody awaits, which ends the process. Here a failed reconnect is
 * logged and tried again with backoff until stop(), whose timer never keeps the process alive.
 */
export function keepConnected(client: SocketClient, log: Logger, backoff: Backoff = BACKOFF): { stop(): void } {
  let stopped = false;
  // Until the first connection (bolt's start), a failure is start's to report, not to retry.
  let armed = false;
  let connected = false;
  let connecting = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  const schedule = () => {
    if (!armed || stopped || connected || connecting || timer) return;
    const delay = Math.min(backoff.firstMs * 2 ** failures, backoff.maxMs);
    timer = setTimeout(connect, delay).unref();
  };
  const connect = () => {
    timer = undefined;
    if (stopped) return;
    connecting = true;
    client.start().then(
      () => {
        if (failures > 0) log.info({ attempts: failures + 1 }, "slack socket mode connected again");
        failures = 0;
      },
      (err: unknown) => {
        failures++;
        log.warn({ err, attempts: failures }, "slack socket mode cannot reconnect yet; retrying");
      },
    ).finally(() => {
      connecting = false;
      schedule();
    });
  };

  client.on("connected", () => {
    armed = true;
    connected = true;
  });
  client.on("disconnected", () => {
    if (connected && !stopped) log.warn("slack socket mode disconnected; reconnecting");
    connected = false;
    schedule();
  });
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
