import type { Reply } from "../reply.js";
import type { BanSample } from "./ban-window.js";
import { spikeRateChart } from "./spike-chart.js";

const MINUTE = 60_000;

export interface SpikeReplyInput {
  jail: string;
  host: string;
  windowMinutes: number;
  sample: BanSample;
  /** Bans the jail usually has in such a window. */
  expected: number;
  /** Where the bans were counted: the history capture's events, or fail2ban's counter. */
  source: "events" | "counter";
  now: number;
}

/** The ban-spike alert, as posted and as docs/ shows it. */
export function spikeReply({ jail, host, windowMinutes, sample: s, expected, source, now }: SpikeReplyInput): Reply {
  const list = (rows: [string, number][]) => rows.map(([label, n]) => `${label} (${n})`).join("\n");
  return {
    title: `Ban spike in ${jail} on ${host}`,
    tone: "warn",
    text: `${s.count} bans in the last ${windowMinutes} minutes, about ${expected < 1 ? "none" : Math.round(expected)} usually.`,
    fields: [
      { label: "Latest addresses", value: s.latest.join("\n") || "none still banned" },
      ...(s.countries.length ? [{ label: "Countries", value: list(s.countries) }] : []),
      ...(s.networks.length ? [{ label: "Networks", value: list(s.networks) }] : []),
    ],
    images: [spikeRateChart({ jail, host, bans: s.rate, since: now - windowMinutes * MINUTE, now })],
    notes: [
      "Counted: bans fail2ban's filters made. BanBot's own, blocklists' and hand-made bans are not.",
      source === "events"
        ? "Seen as the bans happened, from the history capture."
        : "Read from fail2ban's ban counter once a minute: install the history capture (docs/history.md) to be told within seconds.",
    ],
    actions: [
      { label: "Show banned", command: `banned ${jail}` },
      { label: "Mute 1h", command: `alerts-mute spike:${jail} for 1h` },
      { label: "Stop jail", command: `stop ${jail}`, style: "danger" },
    ],
  };
}
