import type { Alert } from "../core/alerts/alert.js";
import type { Dispatcher } from "../core/dispatch.js";
import { CONSOLE_IDENTITY } from "../core/identity.js";
import type { Job } from "./scheduler.js";

/**
 * Once a day, the last 24 hours' stats (with the chart) as a `digest` alert. It only goes where a
 * route lists the digest kind, so it is off unless configured.
 */
export function digestJob(deps: { dispatcher: Pick<Dispatcher, "run">; raise: (a: Alert) => void; now: () => number; host: string }): Job {
  return {
    name: "daily-digest",
    schedule: "0 0 8 * * *",
    async run() {
      // Run as the local system, like the console: the digest is BanBot's own report, not a user's.
      const reply = await deps.dispatcher.run("stats 24h", { ...CONSOLE_IDENTITY, userId: "digest", userName: "daily digest" });
      const day = new Date(deps.now()).toISOString().slice(0, 10);
      deps.raise({ kind: "digest", incident: `digest:${deps.host}:${day}`, step: "open", reply: { ...reply, title: `Daily digest for ${deps.host}: ${reply.title}` } });
    },
  };
}
