import type { Logger } from "pino";
import { deliverDue } from "../core/alerts/outbox-worker.js";
import type { ChatAdapter } from "../core/chat.js";
import type { Platform } from "../core/platforms.js";
import type { Outbox } from "../core/ports/outbox.js";
import type { Metrics } from "../ops/metrics.js";
import type { Job } from "./scheduler.js";

/** Posts what the outbox holds, every two seconds (and at once when an alert is raised). */
export function alertDeliveryJob(deps: {
  outbox: Outbox;
  adapters: ReadonlyMap<Platform, Pick<ChatAdapter, "post">>;
  metrics: Pick<Metrics, "alertsSent">;
  now: () => number;
  log: Logger;
}): Job {
  return {
    name: "alert-delivery",
    schedule: "*/2 * * * * *",
    run: async () => deps.metrics.alertsSent((await deliverDue(deps)).sent),
  };
}
