import { isIP } from "node:net";
import { z } from "zod";
import { parseDuration } from "../core/duration.js";

// Loose shape checks: they catch pasted names, @handles and URLs, not every impossible ID.
const slackUser = z
  .string()
  .regex(/^[UW][A-Z0-9]{2,}$/, "expected a Slack user ID like U01ABCDEF (the member ID, not the @name)");
const slackGroup = z
  .string()
  .regex(/^S[A-Z0-9]{2,}$/, "expected a Slack user group ID like S01ABCDEF");
const slackChannel = z
  .string()
  .regex(/^[CG][A-Z0-9]{2,}$/, "expected a Slack channel ID like C01ABCDEF (not the #name)");
const snowflake = z
  .string()
  .regex(/^\d{17,20}$/, 'expected a Discord ID: 17–20 digits, e.g. "111111111111111111"');
const channel = z
  .string()
  .regex(
    /^(?:[CG][A-Z0-9]{2,}|\d{17,20})$/,
    "expected a Slack channel ID like C01ABCDEF or a Discord channel ID (17–20 digits)",
  );
const jailName = z.string().regex(/^\S+$/, "expected a jail name like sshd");
const host = z
  .string()
  .refine(
    (text) => isIP(text) !== 0 || /^(?=.{1,253}$)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$/.test(text),
    "expected a host name or IP address like mirror.internal or 10.0.0.5 (no scheme, port or path)",
  );

const list = <T extends z.ZodType>(item: T) => z.array(item).default(() => []);

function duration(min: { ms: number; text: string }, max: { ms: number; text: string }) {
  const hint = "expected a duration like 10s or 1m30s, or a number of milliseconds";
  return z
    .union([z.int(), z.string()], { error: hint })
    .transform((value, ctx) => {
      const ms = typeof value === "number" ? value : parseDuration(value);
      if (ms === undefined) ctx.addIssue({ code: "custom", message: hint });
      else if (ms < min.ms || ms > max.ms) {
        const message = `must be between ${min.text} and ${max.text} (a bare number means milliseconds)`;
        ctx.addIssue({ code: "custom", message });
      }
      return ms ?? min.ms;
    });
}

// Cross-field checks would only repeat what a misspelt key already explains.
const noIssuesYet = (payload: z.core.ParsePayload) => payload.issues.length === 0;

export const ROLES = ["viewer", "operator", "admin"] as const;
export const ALERT_KINDS = ["health", "spike", "blocklist", "digest"] as const;

const GrantSchema = z
  .strictObject({
    role: z.enum(ROLES).describe("viewer ⊂ operator ⊂ admin"),
    slack_users: list(slackUser).describe("Slack user IDs (U…/W…) given this role"),
    slack_groups: list(slackGroup).describe("Slack user group IDs (S…) whose members get this role"),
    discord_users: list(snowflake).describe("Discord user IDs given this role"),
    discord_roles: list(snowflake).describe("Discord role IDs whose members get this role"),
    channels: z
      .array(channel)
      .min(1, "list at least one channel, or leave channels out to allow every channel")
      .optional()
      .describe("only in these Slack/Discord channels; default every channel"),
  })
  .refine(
    (g) => [g.slack_users, g.slack_groups, g.discord_users, g.discord_roles].some((ids) => ids.length > 0),
    {
      message: "a grant must name at least one of slack_users, slack_groups, discord_users, discord_roles",
      when: noIssuesYet,
    },
  )
  .transform((g) => ({
    role: g.role,
    slackUsers: g.slack_users,
    slackGroups: g.slack_groups,
    discordUsers: g.discord_users,
    discordRoles: g.discord_roles,
    channels: g.channels,
  }));

const AlertRouteSchema = z
  .strictObject({
    kinds: z
      .array(z.enum(ALERT_KINDS))
      .min(1, "list at least one alert kind")
      .describe("alert kinds sent along this route"),
    jails: z.array(jailName).min(1).optional().describe("only alerts about these jails; default every jail"),
    slack_channel: slackChannel.optional().describe("Slack channel ID to post to"),
    discord_channel: snowflake.optional().describe("Discord channel ID to post to"),
  })
  .refine(
    (r) => r.slack_channel !== undefined || r.discord_channel !== undefined,
    { message: "a route needs slack_channel, discord_channel or both", when: noIssuesYet },
  )
  .transform((r) => ({
    kinds: r.kinds,
    jails: r.jails,
    slackChannel: r.slack_channel,
    discordChannel: r.discord_channel,
  }));

export const ConfigFileSchema = z
  .strictObject({
    access: z
      .strictObject({
        grants: list(GrantSchema).describe("who may do what; nobody has a role unless granted here"),
      })
      .prefault({})
      .describe("roles granted to Slack/Discord users, groups and roles"),
    alerts: z
      .strictObject({
        routes: list(AlertRouteSchema).describe("where each kind of alert is posted"),
      })
      .prefault({})
      .describe("alert routing"),
    blocklists: z
      .strictObject({
        allow_private_hosts: list(host).describe(
          "private/loopback hosts blocklists may be fetched from, e.g. an internal mirror",
        ),
      })
      .prefault({})
      .transform((b) => ({ allowPrivateHosts: b.allow_private_hosts }))
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
  })
  .describe("BanBot configuration file (YAML)");

export type ConfigFile = z.output<typeof ConfigFileSchema>;
export type Role = (typeof ROLES)[number];
export type AlertKind = (typeof ALERT_KINDS)[number];
export type Grant = z.output<typeof GrantSchema>;
export type AlertRoute = z.output<typeof AlertRouteSchema>;
