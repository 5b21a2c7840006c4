import { stackedBarsChart } from "../charts/stacked-bars.js";
import type { Image } from "../reply.js";

const MINUTE = 60_000;

/**
 * A spike's rate as a chart: bans per minute from `since` to `now` (UTC minutes, oldest first), so
 * the alert shows the shape of the attack beside its numbers.
 */
export function spikeRateChart(spike: { jail: string; host: string; bans: readonly { at: number; n: number }[]; since: number; now: number }): Image {
  const first = Math.floor(spike.since / MINUTE) * MINUTE;
  const minutes: number[] = [];
  for (let at = first; at <= spike.now; at += MINUTE) minutes.push(at);
  const counts = minutes.map(() => 0);
  for (const { at, n } of spike.bans) {
    const i = Math.floor((at - first) / MINUTE);
    if (i >= 0 && i < counts.length) counts[i]! += n;
  }
  const total = counts.reduce((a, b) => a + b, 0);
  const label = (at: number) => new Date(at).toISOString().slice(11, 16);
  return stackedBarsChart({
    title: "Bans per minute",
    subtitle: `${spike.jail} on ${spike.host} · ${total} bans · UTC`,
    categories: minutes.map(label),
    series: [{ name: spike.jail, values: counts }],
    name: `spike-${spike.jail}.png`.replace(/[^\w.-]/g, "_"),
    alt: `Bar chart of bans per minute in ${spike.jail} on ${spike.host}, ${label(first)} to ${label(spike.now)} UTC: ${counts.join(", ")}`,
    valueLabel: "bans",
  });
}
