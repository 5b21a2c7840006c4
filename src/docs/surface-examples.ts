import { ActionKeys } from "../adapters/discord/action-keys.js";
import { renderMessage } from "../adapters/discord/message.js";
import { replyOptions } from "../adapters/discord/payload.js";
import { postBody } from "../adapters/discord/post.js";
import { renderText } from "../adapters/console/render.js";
import { commandResponses } from "../adapters/slack/responses.js";
import { renderReply as renderSlack } from "../adapters/slack/render.js";
import { bannedTable } from "../../commands/banned.js";
import { statsReply } from "../../commands/stats.js";
import { stopConsequence } from "../../commands/stop.js";
import { BanWindow } from "../core/alerts/ban-window.js";
import { spikeReply } from "../core/alerts/spike-reply.js";
import { confirmationReply } from "../core/confirmation-reply.js";
import type { BanEntry } from "../core/fail2ban/parse.js";
import { countryName, describeResult } from "../core/geo/country.js";
import type { GeoResult } from "../core/geo/model.js";
import { asLabel } from "../core/history/describe.js";
import { statsWindow } from "../core/history/window.js";
import type { Reply } from "../core/reply.js";

// docs/slack.md, docs/discord.md and docs/console.md show what BanBot sends for one reply of each
// kind, built by the real reply builders and rendered by the real renderers, so the pages cannot
// drift from the code: a test fails when a committed page differs.

export interface SurfaceExample {
  kind: "table" | "chart" | "alert" | "confirmation";
  /** What was typed, or for the alert what raised it. */
  origin: string;
  reply: Reply;
}

const AT = Date.UTC(2026, 10, 22, 9, 41);
const MINUTE = 60_000;
const DAY = 86_400_000;
const DATA_BLOCKS = new Set(["data_table", "data_visualization"] as const);

// Where the example addresses are, as the geo databases would answer (documentation ranges stand
// in for real addresses; BanBot itself labels them "documentation range" and looks nothing up).
const NETWORKS: [prefix: string, country: string, asn: number, org: string][] = [
  ["203.0.113.", "CN", 4134, "CHINANET-BACKBONE"],
  ["198.51.100.", "US", 14061, "DIGITALOCEAN-ASN"],
];

function geoResult(ip: string): GeoResult {
  const network = NETWORKS.find(([prefix]) => ip.startsWith(prefix));
  if (!network) return { kind: "special", ip, label: "documentation range", range: "192.0.2.0/24" };
  const [, code, asn, org] = network;
  return { kind: "found", ip, info: { countryCode: code, countryName: countryName(code), asn, org, source: "GeoLite2-City 2026-11-18 + GeoLite2-ASN 2026-11-18" } };
}

/**
 * The example replies, built by the code the commands and the spike alert use (their reply and
 * table builders, the chart code, the confirmation), from example numbers: the documented payloads
 * change when what BanBot sends does.
 */
export function surfaceExamples(): SurfaceExample[] {
  const bans: BanEntry[] = [
    { ip: "203.0.113.7", start: new Date(AT - 3 * MINUTE), banSeconds: 600, end: new Date(AT + 7 * MINUTE) },
    { ip: "198.51.100.23", start: new Date(AT - 29 * MINUTE), banSeconds: 600, end: new Date(AT + 3 * MINUTE) },
    { ip: "192.0.2.150", start: new Date(AT - 11 * 3_600_000 - 37 * MINUTE), banSeconds: -1, end: undefined },
  ];
  const places = new Map(bans.map((b) => [b.ip, geoResult(b.ip)]));
  const timed = new Map([["198.51.100.23", { until: AT + 2 * 3_600_000, f2bUntil: AT + 3 * MINUTE }]]);

  const win = statsWindow(AT, 7 * DAY);
  const perDay: Record<string, number[]> = { sshd: [96, 120, 141, 98, 260, 157, 118, 22], "nginx-botsearch": [28, 30, 22, 41, 51, 44, 40, 16] };
  const points = Object.entries(perDay).flatMap(([jail, values]) => values.map((n, i) => ({ at: win.buckets[i]!, jail, bans: n })));

  // 42 filter bans in sshd over the last five minutes, in the window the spike detector keeps.
  const window = new BanWindow(5 * MINUTE);
  let banned = 0;
  [3, 5, 9, 12, 13].forEach((n, minute) => {
    for (let k = 0; k < n; k++, banned++) {
      // About one in four from the second network.
      const ip = banned % 4 === 3 ? `198.51.100.${100 + banned}` : `203.0.113.${100 + banned}`;
      const geo = geoResult(ip);
      const network = geo.kind === "found" ? asLabel(geo.info.asn, geo.info.org) : undefined;
      window.add(AT - (5 - minute) * MINUTE + Math.floor((k * MINUTE) / n) + 1, { ip, place: { country: describeResult(geo).label, network } });
    }
  });

  return [
    {
      kind: "table",
      origin: "banned sshd",
      reply: { title: "3 banned in sshd", tone: "info", table: bannedTable("sshd", bans, { places, timed, jobsRun: true, now: AT }), paging: { page: 1, pages: 1, total: 3 } },
    },
    {
      kind: "chart",
      origin: "stats 7d",
      reply: statsReply({ span: "last 7d", spanMs: 7 * DAY, win, points, bans: 1_284, before: 1_146, addresses: 902, perJail: true }),
    },
    {
      kind: "alert",
      origin: "a burst of sshd bans",
      reply: spikeReply({ jail: "sshd", host: "web1", windowMinutes: 5, sample: window.sample(AT), expected: 3, source: "events", now: AT }),
    },
    {
      kind: "confirmation",
      origin: "stop sshd",
      reply: confirmationReply({ commandLine: "stop sshd", why: stopConsequence("sshd", 3, 1), token: "q3J8f0hV2kWm9xYtRz1bQa", ttlMs: 5 * MINUTE }),
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
