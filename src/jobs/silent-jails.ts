import { checkSilentJails, type SilentDeps } from "../core/alerts/silent.js";
import type { Job } from "./scheduler.js";

/** Jails that stopped seeing failures (a moved log) or whose log files are gone, every five minutes. */
export function silentJailsJob(deps: SilentDeps): Job {
  return { name: "silent-jails", schedule: "0 */5 * * * *", run: () => checkSilentJails(deps) };
}
