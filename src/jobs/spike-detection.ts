import { SpikeDetector, type SpikeDeps } from "../core/alerts/spike.js";
import type { History } from "../core/history/history.js";
import type { Job } from "./scheduler.js";

/**
 * Ban-spike alerts: a tick a minute, and between ticks the filter bans the capture archives. Only
 * the process running the jobs (`active`) counts them, so only one process alerts.
 */
export function spikeDetectionJob(deps: SpikeDeps & { history: Pick<History, "subscribe">; active: () => boolean }): Job {
  const { history, active, ...detector } = deps;
  const spikes = new SpikeDetector(detector);
  return {
    name: "spike-detection",
    schedule: "0 * * * * *",
    run: () => spikes.tick(),
    follow: () =>
      history.subscribe((events) => {
        if (active()) spikes.observe(events);
      }),
  };
}
