import type { AlertRoute } from "../config/file-schema.js";
import type { AlertMutes } from "../store/alert-mutes.js";
import type { Alert } from "./alert.js";
import type { Outbox } from "./outbox.js";
import { routeAlert } from "./router.js";

/** Where detectors send alerts: routed per kind and jail, filtered by mutes, written to the outbox. */
export class Alerts {
  constructor(
    private readonly deps: { routes: readonly AlertRoute[]; mutes: AlertMutes; outbox: Outbox; now: () => number },
  ) {}

  raise(alert: Alert): number {
    const now = this.deps.now();
    const muted = new Set(this.deps.mutes.active(now).map((m) => m.what));
    const isMuted = (a: Pick<Alert, "kind" | "jail">) =>
      muted.has(a.kind) || (a.jail !== undefined && (muted.has(a.jail) || muted.has(`${a.kind}:${a.jail}`)));
    return this.deps.outbox.enqueue(routeAlert(alert, this.deps.routes, isMuted), now);
  }

  get routes(): readonly AlertRoute[] {
    return this.deps.routes;
  }
}
