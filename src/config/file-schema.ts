import { isIP } from "node:net";
import { z } from "zod";
import type { Grant } from "../core/access.js";
import { ALERT_KINDS } from "../core/alerts/alert.js";
import type { AlertRoute } from "../core/alerts/router.js";
import { ROLES } from "../core/command/model.js";
import type { GrantIdField, RouteChannelField } from "../core/platforms.js";
import { formatCidr, parseIpOrCidr } from "../core/ip.js";
import { GRANT_ID_KEYS, PLATFORM_LABELS, ROUTE_CHANNEL_KEYS, anyChannel } from "./platform-keys.js";
import { FleetSchema } from "./fleet-schema.js";
import { duration, list } from "./schema-parts.js";

const jailName = z.string().regex(/^\S+$/, "expected a jail name like sshd");
const host = z
  .string()
  .refine(
    (text) => isIP(text) !== 0 || /^(?=.{1,253}$)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$/.test(text),
    "expected a host name or IP address like mirror.internal or 10.0.0.5 (no scheme, port or path)",
  );

const ipOrCidr = z
  .string()
  .refine((text) => parseIpOrCidr(text) !== undefined, "expected an IP address or CIDR network like 192.0.2.10 or 198.51.100.0/24");

// Cross-field checks would only repeat what a misspelt key already explains.
const noIssuesYet = (payload: z.core.ParsePayload) => payload.issues.length === 0;

// Each platform's ID lists and channel keys come from the platform registry (platform-keys.ts).
const grantIds = Object.fromEntries(GRANT_ID_KEYS.map((k) => [k.key, list(k.schema).describe(k.about)]));
const routeChannels = Object.fromEntries(ROUTE_CHANNEL_KEYS.map((k) => [k.key, k.schema.optional().describe(k.about)]));
const keyList = (keys: readonly { key: string }[]) => keys.map((k) => k.key).join(", ");
// zod types the fixed keys only; the registry's are read by name.
const byKey = <T>(parsed: object, keys: readonly { field: string; key: string }[]) =>
  Object.fromEntries(keys.map((k) => [k.field, (parsed as Record<string, unknown>)[k.key]])) as T;

const GrantSchema = z
  .strictObject({
    role: z.enum(ROLES).describe("viewer ⊂ operator ⊂ admin"),
    ...grantIds,
    channels: z
      .array(anyChannel)
      .min(1, "list at least one channel, or leave channels out to allow every channel")
      .optional()
      .describe(`only in these ${PLATFORM_LABELS} channels; default every channel`),
  })
  .refine((g) => Object.values(byKey<Record<string, string[]>>(g, GRANT_ID_KEYS)).some((ids) => ids.length > 0), {
    message: `a grant must name at least one of ${keyList(GRANT_ID_KEYS)}`,
    when: noIssuesYet,
  })
  .transform(
    (g): Grant => ({
      role: g.role,
      ...byKey<Pick<Grant, GrantIdField>>(g, GRANT_ID_KEYS),
      channels: g.channels,
    }),
  );

const AlertRouteSchema = z
  .strictObject({
    kinds: z
      .array(z.enum(ALERT_KINDS))
      .min(1, "list at least one alert kind")
      .describe("alert kinds sent along this route"),
    jails: z.array(jailName).min(1).optional().describe("only alerts about these jails; default every jail"),
    ...routeChannels,
  })
  .refine((r) => Object.values(byKey<Record<string, string | undefined>>(r, ROUTE_CHANNEL_KEYS)).some((c) => c !== undefined), {
    message: `a route needs ${keyList(ROUTE_CHANNEL_KEYS)} ${ROUTE_CHANNEL_KEYS.length === 2 ? "or both" : "or several"}`,
    when: noIssuesYet,
  })
  .transform(
    (r): AlertRoute => ({
      kinds: r.kinds,
      jails: r.jails,
      ...byKey<Pick<AlertRoute, RouteChannelField>>(r, ROUTE_CHANNEL_KEYS),
    }),
  );

const DAY_MS = 86_400_000;

const fallbackUrl = z.string().superRefine((text, ctx) => {
  let url: URL | undefined;
  try {
    url = new URL(text.replaceAll("{ip}", "192.0.2.1"));
  } catch {
    url = undefined;
  }
  const message =
    url === undefined
      ? "expected a URL like https://ipinfo.io/{ip}/json"
      : url.protocol !== "https:"
        ? "must be an https URL: addresses are personal data and never leave in plain text"
        : !text.includes("{ip}")
          ? "put {ip} where the address goes, e.g. https://ipinfo.io/{ip}/json"
          : undefined;
  if (message) ctx.addIssue({ code: "custom", message });
});

const GeoSchema = z
  .strictObject({
    databases: list(z.string().min(1)).describe(
      "MaxMind GeoLite2/GeoIP2 City, Country or ASN .mmdb files (e.g. kept current by geoipupdate), asked in this order; empty: the built-in CC0 country database",
    ),
    builtin_asn: z
      .boolean()
      .default(false)
      .describe(
        "also ask the built-in ASN table (ip-location-db's asn, CC BY 4.0: RouteViews, NRO, DB-IP) for AS numbers and organisations, behind the files above; reading it costs one to two seconds and 30–80 MB of memory, at startup (a one-shot command: at its first lookup)",
      ),
    check_interval: duration({ ms: 1_000, text: "1s" }, { ms: DAY_MS, text: "1d" })
      .default(60_000)
      .describe("how often the database files are checked for replacement, which is then loaded without a restart; default 1m"),
    cache: z
      .strictObject({
        retention: duration({ ms: DAY_MS, text: "1d" }, { ms: 3650 * DAY_MS, text: "3650d" })
          .default(90 * DAY_MS)
          .describe("addresses not seen for this long leave the geo cache; default 90d"),
        memory_entries: z
          .int()
          .min(1_000)
          .max(10_000_000)
          .default(100_000)
          .describe("addresses kept in memory in front of the SQLite cache"),
      })
      .prefault({})
      .transform((c) => ({ retentionMs: c.retention, memoryEntries: c.memory_entries }))
      .describe("the geo cache in BanBot's store"),
    fallback: z
      .strictObject({
        enabled: z
          .boolean()
          .default(false)
          .describe("ask an online service about addresses no local database knows (sends them to a third party)"),
        url_template: fallbackUrl
          .default("https://ipinfo.io/{ip}/json")
          .describe("the service's JSON endpoint, https only; {ip} is replaced by the address"),
        timeout: duration({ ms: 500, text: "500ms" }, { ms: 60_000, text: "1m" })
          .default(5_000)
          .describe("how long to wait for the service; default 5s"),
      })
      .prefault({})
      .transform((f) => ({ enabled: f.enabled, urlTemplate: f.url_template, timeoutMs: f.timeout }))
      .describe("online fallback, off by default; asked only by the background retry job, never while a command waits"),
  })
  .prefault({})
  .transform((g) => ({ databases: g.databases, builtinAsn: g.builtin_asn, checkIntervalMs: g.check_interval, cache: g.cache, fallback: g.fallback }))
  .describe("IP geolocation");

export const ConfigFileSchema = z
  .strictObject({
    access: z
      .strictObject({
        grants: list(GrantSchema).describe("who may do what; nobody has a role unless granted here"),
      })
      .prefault({})
      .describe(`roles granted to ${PLATFORM_LABELS} users, groups and roles`),
    alerts: z
      .strictObject({
        routes: list(AlertRouteSchema).describe("where each kind of alert is posted"),
        health: z
          .strictObject({
            failures: z.int().min(1).max(100).default(3).describe("failed checks in a row before the fail2ban-unreachable alert"),
            interval: duration({ ms: 1_000, text: "1s" }, { ms: 60_000, text: "1m" })
              .default(30_000)
              .refine((ms) => ms % 1_000 === 0 && 60_000 % ms === 0, "must divide a minute evenly: 1s, 2s, 3s, 5s, 10s, 15s, 20s, 30s or 1m")
              .describe("how often fail2ban is checked; default 30s"),
          })
          .prefault({})
          .transform((h) => ({ failures: h.failures, intervalMs: h.interval }))
          .describe("health alerts"),
        spike: z
          .strictObject({
            window_minutes: z.int().min(1).max(120).default(5).describe("length of the sliding window, in minutes"),
            min_count: z.int().min(1).default(10).describe("bans in the window below which nothing is a spike"),
            factor: z.number().min(1).max(1000).default(4).describe("how many times a jail's usual rate the window must reach"),
          })
          .prefault({})
          .transform((s) => ({ windowMinutes: s.window_minutes, minCount: s.min_count, factor: s.factor }))
          .describe("ban-spike alerts, per jail, counting only the bans fail2ban's filters made"),
        silent: z
          .strictObject({
            after: duration({ ms: 60_000, text: "1m" }, { ms: 30 * DAY_MS, text: "30d" })
              .default(6 * 3_600_000)
              .describe("how long a jail's failure counter must stand still (where its learnt rate expects failures) before it is called silent; default 6h"),
          })
          .prefault({})
          .transform((s) => ({ afterMs: s.after }))
          .describe("silent-jail alerts: a jail that stopped seeing failures (its log moved?) or whose log files are gone"),
        blocklist: z
          .strictObject({
            large_change: z
              .int()
              .min(1)
              .default(100)
              .describe("addresses banned plus unbanned by one import from which it is reported as a blocklist alert"),
          })
          .prefault({})
          .transform((b) => ({ largeChange: b.large_change }))
          .describe("blocklist alerts: failing imports, and imports that change a lot"),
      })
      .prefault({})
      .describe("alert routing and detection"),
    blocklists: z
      .strictObject({
        allow_private_hosts: list(host).describe(
          "private/loopback hosts blocklists may be fetched from, e.g. an internal mirror",
        ),
        protected: list(ipOrCidr).describe(
          "addresses and networks no blocklist ever bans (your servers, offices, monitoring), besides each jail's ignore list",
        ),
        max_size_mb: z
          .int()
          .min(1)
          .max(1024)
          .default(32)
          .describe("largest list download in MB, checked on the bytes received and again after gunzip; default 32"),
      })
      .prefault({})
      .transform((b) => ({
        allowPrivateHosts: b.allow_private_hosts,
        protected: b.protected.map((entry) => formatCidr(parseIpOrCidr(entry)!)),
        maxSizeMb: b.max_size_mb,
      }))
      .describe("blocklist import settings"),
    fail2ban: z
      .strictObject({
        timeout: duration({ ms: 100, text: "100ms" }, { ms: 300_000, text: "5m" })
          .default(10_000)
          .describe("how long to wait for a fail2ban reply; default 10s"),
        client_path: z
          .string()
          .min(1)
          .default("fail2ban-client")
          .describe("fail2ban-client executable, for operations the socket protocol lacks"),
        config_dir: z
          .string()
          .min(1)
          .default("/etc/fail2ban")
          .describe("fail2ban's configuration directory, read by fail2ban-client to start and reload jails"),
      })
      .prefault({})
      .transform((f) => ({ timeoutMs: f.timeout, clientPath: f.client_path, configDir: f.config_dir }))
      .describe("talking to fail2ban-server"),
    history: z
      .strictObject({
        retention: duration({ ms: 86_400_000, text: "1d" }, { ms: 3_650 * 86_400_000, text: "3650d" })
          .default(365 * 86_400_000)
          .describe("how long BanBot keeps ban and unban events in its archive; default 365d"),
        socket: z
          .string()
          .min(1)
          .optional()
          .describe("Unix socket BanBot's fail2ban action reports to; default history.sock in BANBOT_DATA_DIR"),
        socket_mode: z
          .enum(["0600", "0660"])
          .default("0600")
          .describe("who may report to the socket: 0600 BanBot's user (and root, as fail2ban usually runs); 0660 its group too"),
      })
      .prefault({})
      .transform((h) => ({ retentionMs: h.retention, socket: h.socket, socketMode: h.socket_mode === "0660" ? 0o660 : 0o600 }))
      .describe("ban history: the archive and its capture from fail2ban (docs/history.md)"),
    commands: z
      .strictObject({
        rate_limit: z
          .strictObject({
            per_minute: z.int().min(1).max(10_000).default(30).describe("commands per user per minute"),
          })
          .prefault({})
          .transform((r) => ({ perMinute: r.per_minute }))
          .describe("per-user command rate limit"),
        name: z
          .string()
          .regex(/^[a-z0-9_-]{1,32}$/, "expected a lower-case command name like f2b (no slash)")
          .default("f2b")
          .describe("the slash command: /f2b in Slack and Discord"),
        results: z
          .enum(["ephemeral", "in_channel"])
          .default("ephemeral")
          .describe("who sees command results in Slack: only the person who asked, or the channel (errors are always private)"),
        confirm_timeout: duration({ ms: 10_000, text: "10s" }, { ms: 3_600_000, text: "1h" })
          .default(300_000)
          .describe("how long a destructive command's Confirm button stays valid; default 5m"),
      })
      .prefault({})
      .transform((c) => ({ rateLimit: c.rate_limit, name: c.name, results: c.results, confirmTimeoutMs: c.confirm_timeout }))
      .describe("chat command settings"),
    geo: GeoSchema,
    fleet: FleetSchema,
  })
  .describe("BanBot configuration file (YAML)");

export type ConfigFile = z.output<typeof ConfigFileSchema>;
