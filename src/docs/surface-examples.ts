import { ActionKeys } from "../adapters/discord/action-keys.js";
import { renderMessage } from "../adapters/discord/message.js";
import { replyOptions } from "../adapters/discord/payload.js";
import { postBody } from "../adapters/discord/post.js";
import { renderText } from "../adapters/console/render.js";
import { commandResponses } from "../adapters/slack/responses.js";
import { renderReply as renderSlack } from "../adapters/slack/render.js";
import { spikeRateChart } from "../core/alerts/spike-chart.js";
import { stackedBarsChart } from "../core/charts/stacked-bars.js";
import type { Reply } from "../core/reply.js";

// docs/slack.md, docs/discord.md and docs/console.md show what BanBot sends for one reply of each
// kind, rendered here by the real renderers from replies shaped as the commands give them, so the
// pages cannot drift from the code: a test fails when a committed page differs.

export interface SurfaceExample {
  kind: "table" | "chart" | "alert" | "confirmation";
  /** What was typed, or for the alert what raised it. */
  origin: string;
  reply: Reply;
}

const AT = Date.UTC(2026, 10, 22, 9, 41);
const DATA_BLOCKS = new Set(["data_table", "data_visualization"] as const);

/** The example replies; charts are drawn (PNG and data) by the chart code the commands use. */
export function surfaceExamples(): SurfaceExample[] {
  const days = ["Nov 16", "Nov 17", "Nov 18", "Nov 19", "Nov 20", "Nov 21", "Nov 22"];
  return [
    {
      kind: "table",
      origin: "banned sshd",
      reply: {
        title: "3 banned in sshd",
        tone: "info",
        table: {
          columns: ["address", "country", "banned", "ends"],
          rows: [
            ["203.0.113.7", "🇨🇳 CN China", "2026-11-22 09:38 UTC", "in 7m"],
            ["198.51.100.23", "🇺🇸 US United States", "2026-11-22 09:12 UTC", "in 2h (timed)"],
            ["192.0.2.150", "documentation range", "2026-11-21 22:04 UTC", "never"],
          ],
          rowActions: ["203.0.113.7", "198.51.100.23", "192.0.2.150"].map((ip) => ({ label: "Unban", command: `unban ${ip} sshd` })),
        },
        paging: { page: 1, pages: 1, total: 3 },
      },
    },
    {
      kind: "chart",
      origin: "stats 7d",
      reply: {
        title: "Bans, last 7d",
        tone: "info",
        fields: [
          { label: "Bans", value: "1,284 (+12% on the 7d before)" },
          { label: "Addresses", value: "902" },
          { label: "Busiest day", value: "2026-11-20: 311 bans" },
          { label: "Per jail", value: "sshd 1,012, nginx-botsearch 272" },
        ],
        images: [
          stackedBarsChart({
            title: "Bans per day",
            subtitle: "last 7d · 1,284 bans · UTC",
            categories: days,
            series: [
              { name: "sshd", values: [120, 141, 98, 260, 157, 118, 118] },
              { name: "nginx-botsearch", values: [30, 22, 41, 51, 44, 40, 44] },
            ],
            name: "bans-over-time.png",
            alt: "Stacked bar chart of bans per day, last 7d, by jail: sshd 1012, nginx-botsearch 272",
            valueLabel: "bans",
          }),
        ],
      },
    },
    {
      kind: "alert",
      origin: "a burst of sshd bans",
      reply: {
        title: "Ban spike in sshd on web1",
        tone: "warn",
        text: "42 bans in the last 5 minutes, about 3 usually.",
        fields: [
          { label: "Latest addresses", value: "203.0.113.7\n203.0.113.9\n198.51.100.23" },
          { label: "Countries", value: "🇨🇳 China (31)\n🇺🇸 United States (11)" },
        ],
        images: [
          spikeRateChart({
            jail: "sshd",
            host: "web1",
            // 2, 3, 5, 9, 12 and 11 bans in the six minutes to 09:41.
            bans: [2, 3, 5, 9, 12, 11].map((n, minute) => ({ at: AT - (5 - minute) * 60_000, n })),
            since: AT - 5 * 60_000,
            now: AT,
          }),
        ],
        actions: [
          { label: "Show banned", command: "banned sshd" },
          { label: "Mute 1h", command: "alerts-mute spike:sshd for 1h" },
          { label: "Stop jail", command: "stop sshd", style: "danger" },
        ],
      },
    },
    {
      kind: "confirmation",
      origin: "stop sshd",
      reply: {
        title: "Confirm: stop sshd",
        tone: "warn",
        text: "This cannot be undone from here. The button expires in 5m.",
        private: true,
        actions: [
          { label: "Confirm", command: "stop sshd --confirm=q3J8f0hV2kWm9xYtRz1bQa", style: "danger" },
          { label: "Cancel", command: "cancel q3J8f0hV2kWm9xYtRz1bQa" },
        ],
      },
    },
  ];
}

const fence = (value: unknown) => ["```json", compactJson(value), "```"].join("\n");

/** JSON indented by two, with any object or array that fits in `width` on one line, as people read it. */
function compactJson(value: unknown, indent = "", width = 100): string {
  const flat = JSON.stringify(value);
  if (flat === undefined || typeof value !== "object" || value === null || indent.length + flat.length <= width) return flat ?? "null";
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + compactJson(v, inner, width)).join(",\n")}\n${indent}]`;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${compactJson(v, inner, width)}`).join(",\n")}\n${indent}}`;
}

/** The Slack section: each reply as the response_url body (an alert: as chat.postMessage's message). */
export function renderSlackExamples(examples: readonly SurfaceExample[]): string {
  return examples
    .map(({ kind, origin, reply }) => {
      const payload =
        kind === "alert"
          ? { channel: "C01ALERTS", ...renderSlack(reply, { dataBlocks: DATA_BLOCKS }), unfurl_links: false, unfurl_media: false }
          : commandResponses(reply, { results: "in_channel", dataBlocks: DATA_BLOCKS })[0];
      const how = kind === "alert" ? "Posted with `chat.postMessage`, in a workspace with chart blocks:" : "Sent to the command's `response_url`, in a workspace with data blocks:";
      return [`### ${title(kind)}: ${kind === "alert" ? origin : `\`${origin}\``}`, "", how, "", fence(payload)].join("\n");
    })
    .join("\n\n");
}

/**
 * The Discord section: a command's reply as the options BanBot hands discord.js, an alert as the
 * REST body it posts; files by name.
 */
export function renderDiscordExamples(examples: readonly SurfaceExample[]): string {
  const keys = new ActionKeys({ ttlMs: 3_600_000, cap: 10, clock: { now: () => AT } });
  return examples
    .map(({ kind, origin, reply }) => {
      const layout = (msg: object) => ("v2" in msg ? "Components V2" : "an embed");
      if (kind === "alert") {
        const msg = renderMessage(reply, keys.ref, { alert: true });
        const how = `Posted to the alert channel (\`POST /channels/{channel}/messages\`, ${msg.files.map((f) => f.name).join(", ")} beside it), as ${layout(msg)}:`;
        return [`### ${title(kind)}: ${origin}`, "", how, "", fence(postBody(msg))].join("\n");
      }
      const msg = renderMessage(reply, keys.ref, { source: kind === "confirmation" ? undefined : origin });
      const options = replyOptions(msg);
      const files = (options.files ?? []).map((f) => (f as { name: string }).name);
      return [`### ${title(kind)}: \`${origin}\``, "", `The interaction's reply, as ${layout(msg)} (the options given to discord.js):`, "", fence({ ...options, files })].join("\n");
    })
    .join("\n\n");
}

/** A console session with the same replies: what `banbot console` prints, charts saved as files. */
export function renderConsoleSession(examples: readonly SurfaceExample[]): string {
  const lines: string[] = [];
  for (const { kind, origin, reply } of examples) {
    if (kind === "alert") continue;
    lines.push(`f2b> ${origin}`);
    const images = (reply.images ?? []).map((image) => ({ path: `/var/lib/banbot/charts/${image.name.replace(/\.png$/, "")}-20261122-094100.png` }));
    lines.push(renderText(reply, { images }).text);
  }
  return ["```text", ...lines, "```"].join("\n");
}

function title(kind: SurfaceExample["kind"]): string {
  return { table: "A table", chart: "A chart", alert: "An alert", confirmation: "A confirmation" }[kind];
}

/** `doc` with the text between `<!-- BEGIN generated: name -->` and `<!-- END generated: name -->` replaced. */
export function withGenerated(doc: string, name: string, section: string): string {
  const begin = `<!-- BEGIN generated: ${name} (npm run docs) -->`;
  const end = `<!-- END generated: ${name} -->`;
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`no generated section "${name}" in the document`);
  return `${doc.slice(0, from + begin.length)}\n${section}\n${doc.slice(to)}`;
}
