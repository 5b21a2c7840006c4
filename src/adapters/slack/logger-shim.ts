import { format } from "node:util";
import { LogLevel, type Logger as BoltLogger } from "@slack/bolt";
import type { Logger } from "pino";

const ORDER = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];

/**
 * bolt's Logger (shared with its WebClient and Socket Mode client) onto pino. bolt calls setLevel()
 * on the logger it is given; that only narrows what reaches pino, whose own level still applies, so
 * a library cannot turn on output the operator did not ask for. setName() is ignored: every client
 * renames the one shared instance, so the name would be wrong more often than right.
 */
export function boltLogger(log: Logger): BoltLogger {
  let threshold = fromPino(log.level);
  const emit = (level: LogLevel, args: unknown[]) => {
    if (ORDER.indexOf(level) < ORDER.indexOf(threshold)) return;
    const err = args.find((a) => a instanceof Error);
    log[level](err ? { err } : {}, format(...args.filter((a) => a !== err)));
  };
  return {
    debug: (...args: unknown[]) => emit(LogLevel.DEBUG, args),
    info: (...args: unknown[]) => emit(LogLevel.INFO, args),
    warn: (...args: unknown[]) => emit(LogLevel.WARN, args),
    error: (...args: unknown[]) => emit(LogLevel.ERROR, args),
    setLevel: (level: LogLevel) => {
      threshold = level;
    },
    getLevel: () => threshold,
    setName: () => undefined,
  };
}

/** The bolt level matching pino's, so bolt sees nothing to change. */
export function fromPino(level: string): LogLevel {
  if (level === "trace" || level === "debug") return LogLevel.DEBUG;
  if (level === "info") return LogLevel.INFO;
  if (level === "warn") return LogLevel.WARN;
  return LogLevel.ERROR;
}
