import { z } from "zod";
import { CHAT_ADAPTERS } from "../adapters/list.js";
import { fleetHostName } from "./fleet-schema.js";
import type { ConfigProblem } from "./issues.js";
import { unknownKeyMessage } from "./issues.js";
import { port } from "./schema-parts.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

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

const BASE = {
  BANBOT_CONFIG: z.string().optional().describe("path to the YAML config file"),
  BANBOT_FAIL2BAN_SOCKET: z
    .string()
    .default("/var/run/fail2ban/fail2ban.sock")
    .describe("fail2ban-server's Unix socket"),
  BANBOT_DATA_DIR: z.string().default("./data").describe("directory for BanBot's SQLite store"),
  BANBOT_LOG_LEVEL: z.enum(LOG_LEVELS).optional().describe("log level; default info, and warn for the interactive console and demo"),
  BANBOT_HTTP_PORT: port.optional().describe("port for the health and metrics endpoints; off when unset"),
  BANBOT_HTTP_HOST: z
    .string()
    .default("127.0.0.1")
    .describe("address the health and metrics endpoints listen on; 0.0.0.0 to let another container scrape them"),
  BANBOT_NATS_URL: natsUrls.optional().describe("NATS server(s) of the fleet, comma-separated; turns fleet mode on for agent, start, exec and console (docs/fleet.md)"),
  BANBOT_HOST: fleetHostName.optional().describe("this host's name in the fleet and in its events; default the machine's hostname (its first label)"),
};

/** BanBot's own variables, then each platform's, from its adapter (src/adapters/<platform>/entry.ts). */
export const EnvSchema = z.object({ ...BASE, ...Object.assign({}, ...Object.values(CHAT_ADAPTERS).map((a) => a.env)) as z.ZodRawShape });

/** BanBot's own variables; a platform's are its adapter's to read. */
export type Env = z.output<z.ZodObject<typeof BASE>>;

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
  for (const adapter of Object.values(CHAT_ADAPTERS)) problems.push(...adapter.check(set));
  const known = Object.keys(EnvSchema.shape);
  for (const name of Object.keys(env)) {
    if (name.startsWith("BANBOT_") && !known.includes(name)) {
      problems.push({ path: name, message: unknownKeyMessage(name, known.filter((k) => k.startsWith("BANBOT_"))) });
    }
  }
  return problems;
}
