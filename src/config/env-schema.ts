import { z } from "zod";
import { fleetHostName } from "./fleet-schema.js";
import type { ConfigProblem } from "./issues.js";
import { unknownKeyMessage } from "./issues.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const port = z
  .string()
  .regex(/^\d+$/, "expected a port number 1–65535")
  .transform(Number)
  .pipe(z.int().min(1, "expected a port number 1–65535").max(65_535, "expected a port number 1–65535"));
const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http(s) URL like http://127.0.0.1:8080/api/" });
const snowflake = z.string().regex(/^\d{17,20}$/, "expected a Discord ID: 17–20 digits");
// Credentials go in the config's fleet section (files), never in a URL that ends up in logs.
const natsUrls = z.string().superRefine((text, ctx) => {
  for (const item of text.split(",")) {
    let url: URL | undefined;
    try {
      url = new URL(item.includes("://") ? item : `nats://${item}`);
    } catch {
      url = undefined;
    }
    const message =
      url === undefined || !["nats:", "tls:"].includes(url.protocol) || (url.pathname !== "" && url.pathname !== "/")
        ? `expected NATS server URLs like nats://nats.internal:4222 or tls://nats.internal:4222, separated by commas; got "${item}"`
        : url.username !== "" || url.password !== ""
          ? "put the credentials in the config file's fleet section (password_file or nkey_seed_file), not in the URL"
          : undefined;
    if (message) ctx.addIssue({ code: "custom", message });
  }
});

export const EnvSchema = z.object({
  BANBOT_CONFIG: z.string().optional().describe("path to the YAML config file"),
  BANBOT_FAIL2BAN_SOCKET: z
    .string()
    .default("/var/run/fail2ban/fail2ban.sock")
    .describe("fail2ban-server's Unix socket"),
  BANBOT_DATA_DIR: z.string().default("./data").describe("directory for BanBot's SQLite store"),
  BANBOT_LOG_LEVEL: z.enum(LOG_LEVELS).default("info").describe("log level"),
  BANBOT_HTTP_PORT: port.optional().describe("port for the health and metrics endpoints; off when unset"),
  BANBOT_HTTP_HOST: z
    .string()
    .default("127.0.0.1")
    .describe("address the health and metrics endpoints listen on; 0.0.0.0 to let another container scrape them"),
  SLACK_BOT_TOKEN: z
    .string()
    .refine((t) => !t.startsWith("xapp-"), "this is an app-level token (xapp-…): put it in SLACK_APP_TOKEN")
    .optional()
    .describe("Slack bot token (xoxb-…); enables Slack"),
  SLACK_APP_TOKEN: z
    .string()
    .startsWith("xapp-", "expected an app-level token starting with xapp- (Basic Information → App-Level Tokens)")
    .optional()
    .describe("Slack app-level token; selects Socket Mode"),
  SLACK_SIGNING_SECRET: z.string().optional().describe("Slack signing secret; selects HTTP mode"),
  BANBOT_SLACK_PORT: port.default(3000).describe("port for Slack's /slack/events in HTTP mode; default 3000"),
  SLACK_API_URL: httpUrl.optional().describe("Slack Web API base URL override"),
  DISCORD_TOKEN: z.string().optional().describe("Discord bot token; enables Discord"),
  DISCORD_APPLICATION_ID: snowflake.optional().describe("Discord application ID"),
  DISCORD_GUILD_ID: snowflake.optional().describe("register commands in this guild only"),
  DISCORD_API_URL: httpUrl.optional().describe("Discord REST API base URL override"),
  BANBOT_NATS_URL: natsUrls.optional().describe("NATS server(s) of the fleet, comma-separated; turns fleet mode on for agent, start, exec and console (docs/fleet.md)"),
  BANBOT_HOST: fleetHostName.optional().describe("this host's name in the fleet and in its events; default the machine's hostname (its first label)"),
});

export type Env = z.output<typeof EnvSchema>;

/** Known variables only, with empty strings treated as unset (compose files often pass `VAR=`). */
export function pickEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const picked: Record<string, string | undefined> = {};
  for (const name of Object.keys(EnvSchema.shape)) {
    const value = env[name];
    if (value !== undefined && value !== "") picked[name] = value;
  }
  return picked;
}

/** Rules spanning several variables, and typos in BANBOT_* names. */
export function checkEnvCombinations(env: Record<string, string | undefined>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const set = (name: string) => env[name] !== undefined && env[name] !== "";
  if (set("SLACK_BOT_TOKEN") && !set("SLACK_APP_TOKEN") && !set("SLACK_SIGNING_SECRET")) {
    problems.push({
      path: "SLACK_APP_TOKEN",
      message:
        "required with SLACK_BOT_TOKEN: set SLACK_APP_TOKEN for Socket Mode, or SLACK_SIGNING_SECRET for HTTP mode",
    });
  }
  for (const name of ["SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"]) {
    if (set(name) && !set("SLACK_BOT_TOKEN")) {
      problems.push({ path: "SLACK_BOT_TOKEN", message: `required because ${name} is set (or unset ${name})` });
      break;
    }
  }
  if (set("DISCORD_TOKEN") && !set("DISCORD_APPLICATION_ID")) {
    problems.push({
      path: "DISCORD_APPLICATION_ID",
      message: "required with DISCORD_TOKEN (Developer Portal → your app → General Information)",
    });
  }
  if (!set("DISCORD_TOKEN") && (set("DISCORD_APPLICATION_ID") || set("DISCORD_GUILD_ID"))) {
    problems.push({ path: "DISCORD_TOKEN", message: "required because other DISCORD_* variables are set" });
  }
  const known = Object.keys(EnvSchema.shape);
  for (const name of Object.keys(env)) {
    if (name.startsWith("BANBOT_") && !known.includes(name)) {
      problems.push({ path: name, message: unknownKeyMessage(name, known.filter((k) => k.startsWith("BANBOT_"))) });
    }
  }
  return problems;
}
