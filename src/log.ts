import { pino } from "pino";
import type { DestinationStream, Logger } from "pino";

export type { Logger } from "pino";

const SECRET_KEYS = [
  "token",
  "botToken",
  "appToken",
  "signingSecret",
  "clientSecret",
  "secret",
  "password",
  "apiKey",
  "licenseKey",
  "authorization",
  "cookie",
];

// pino's redaction is path based and a `*` matches one level only, so list the depths we log at:
// `{ token }`, `{ slack: { botToken } }`, `{ config: { platforms: { slack: { botToken } } } }`, `{ req: { headers } }`.
const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]);

export function createLogger(opts: { level: string; destination?: DestinationStream }): Logger {
  const options = {
    level: opts.level,
    redact: { paths: REDACT_PATHS, censor: "[REDACTED]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return opts.destination === undefined ? pino(options) : pino(options, opts.destination);
}
