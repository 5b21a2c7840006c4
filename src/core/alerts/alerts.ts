import type { RunReport } from "../blocklist/importer.js";
import type { AlertMutes } from "../ports/alert-mutes.js";
import type { AlertState } from "../ports/alert-state.js";
import type { Alert } from "./alert.js";
import type { Outbox, OutboxMessage } from "../ports/outbox.js";
import { routeAlert, type AlertRoute } from "./router.js";
import { SOURCES_KEY, describeSpikeSources, type SpikeSources } from "./spike-sources.js";

export interface AlertsDeps {
  routes: readonly AlertRoute[];
  mutes: AlertMutes;
  outbox: Outbox;
  state: AlertState;
  now: () => number;
  host: string;
  /** Addresses banned plus unbanned by one blocklist import from which the import is news. */
  blocklistLargeChange: number;
  /**
   * Replaces routing to chat channels and the mutes: a fleet agent queues every alert for its front,
   * which routes and mutes them as its own.
   */
  route?: (alert: Alert) => OutboxMessage[];
}

/** Where detectors send alerts: routed per kind and jail, filtered by mutes, written to the outbox. */
export class Alerts {
  constructor(private readonly deps: AlertsDeps) {}

  raise(alert: Alert): number {
    const now = this.deps.now();
    if (this.deps.route) return this.deps.outbox.enqueue(this.deps.route(alert), now);
    const muted = new Set(this.deps.mutes.active(now).map((m) => m.what));
    const isMuted = (a: Pick<Alert, "kind" | "jail">) =>
      muted.has(a.kind) || (a.jail !== undefined && (muted.has(a.jail) || muted.has(`${a.kind}:${a.jail}`)));
    return this.deps.outbox.enqueue(routeAlert(alert, this.deps.routes, isMuted), now);
  }

  /**
   * A blocklist import that banned or unbanned many addresses is worth telling the alert channel
   * (it is never a ban spike: only fail2ban's own bans make those). Scheduled or by hand alike.
   */
  blocklistRun(report: RunReport): void {
    const changed = report.added + report.renewed + report.removed;
    if (report.outcome !== "ok" || changed < this.deps.blocklistLargeChange) return;
    const at = this.deps.now();
    const n = (count: number) => count.toLocaleString("en");
    this.raise({
      kind: "blocklist",
      jail: report.jail,
      incident: `blocklist-change:${this.deps.host}:${report.source}:${at}`,
      step: "open",
      reply: {
        title: `Blocklist ${report.source} changed ${report.jail} on ${this.deps.host}: +${n(report.added + report.renewed)} −${n(report.removed)}`,
        tone: "info",
        text: `One import banned ${n(report.added + report.renewed)} and unbanned ${n(report.removed)} addresses; ${n(report.unchanged)} stayed as they were. These bans never count as a ban spike.`,
        actions: [
          { label: "Details", command: `blocklists ${report.source}` },
          { label: "Mute blocklist alerts 1h", command: "alerts-mute blocklist for 1h" },
        ],
      },
    });
  }

  /** Where spike detection found each jail's bans at its last run, if a process runs the jobs. */
  spikeSources(): SpikeSources | undefined {
    return this.deps.state.get<SpikeSources>(SOURCES_KEY);
  }

  /** The same in words, for `status`. */
  spikeDetection(): string | undefined {
    const sources = this.spikeSources();
    return sources && describeSpikeSources(sources);
  }

  get routes(): readonly AlertRoute[] {
    return this.deps.routes;
  }
}
