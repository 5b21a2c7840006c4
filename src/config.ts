import { parseDocument } from "yaml";
import { CHAT_ADAPTERS, type PlatformSettings } from "./adapters/list.js";
import type { Env } from "./config/env-schema.js";
import { EnvSchema, checkEnvCombinations, pickEnv } from "./config/env-schema.js";
import type { ConfigFile } from "./config/file-schema.js";
import { ConfigFileSchema } from "./config/file-schema.js";
import type { ConfigProblem } from "./config/issues.js";
import { errorMap, toProblems } from "./config/issues.js";
import { UserError } from "./core/errors.js";

export interface Config extends Omit<ConfigFile, "fail2ban" | "fleet"> {
  configFile: string | undefined;
  dataDir: string;
  fail2ban: ConfigFile["fail2ban"] & { socket: string };
  log: { level: Env["BANBOT_LOG_LEVEL"] };
  http: { port: number | undefined; host: string };
  /** Each chat platform's connection settings, from its adapter's variables; undefined: not served. */
  platforms: PlatformSettings;
  /** `url` set: fleet mode. `host`: BANBOT_HOST; the hostname stands in where unset. */
  fleet: ConfigFile["fleet"] & { url: string | undefined; host: string | undefined };
}

type EnvSource = Record<string, string | undefined>;

// The configuration is parsed once per process: zod's compiled fast path for an object schema costs
// more to generate than it saves on one parse (about 25 ms of every one-shot command).
const PARSE_ONCE = { error: errorMap, jitless: true } as const;

/** Validates env and the config file together and throws one UserError listing every problem. */
export function loadConfig(env: EnvSource, fileText?: string): Config {
  const envResult = EnvSchema.safeParse(pickEnv(env), PARSE_ONCE);
  const file = parseConfigFile(fileText ?? "", env.BANBOT_CONFIG ?? "the config file");
  const problems = [
    ...(envResult.success ? [] : toProblems(envResult.error.issues, EnvSchema)),
    ...checkEnvCombinations(env),
    ...file.problems,
  ];
  if (!envResult.success || file.data === undefined || problems.length > 0) {
    const source = env.BANBOT_CONFIG ? `config file ${env.BANBOT_CONFIG}` : "no config file";
    const count = `${problems.length} problem${problems.length === 1 ? "" : "s"}`;
    const lines = problems.map((p) => `${p.path}: ${p.message}`);
    throw new UserError("config_invalid", [`Invalid configuration (${count}; ${source}):`, ...lines].join("\n"));
  }
  return assemble(envResult.data, file.data, platformSettings(envResult.data));
}

/** Reads the file named by BANBOT_CONFIG, if any; `readFile` is injected so this stays testable. */
export function readConfigFile(env: EnvSource, readFile: (path: string) => string): string | undefined {
  const path = env.BANBOT_CONFIG;
  if (path === undefined || path === "") return undefined;
  try {
    return readFile(path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    const message = `BANBOT_CONFIG: cannot read ${path} (${reason}): check the path and that BanBot's user may read it`;
    throw new UserError("config_invalid", message, { cause: err });
  }
}

// The yaml library's own guard against alias bombs (billion laughs); real configs alias a few times.
const MAX_ALIASES = 100;

function parseConfigFile(text: string, name: string): { data?: ConfigFile; problems: ConfigProblem[] } {
  const doc = parseDocument(text, { intAsBigInt: true });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => {
        const at = e.linePos?.[0];
        const message = e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
        return { path: at ? `line ${at.line}, column ${at.col}` : "(config file)", message };
      }),
    };
  }
  const result = ConfigFileSchema.safeParse(readAliases(doc, name) ?? {}, PARSE_ONCE);
  if (result.success) return { data: result.data, problems: [] };
  return { problems: toProblems(result.error.issues, ConfigFileSchema) };
}

/**
 * Integers are parsed as bigint so that unquoted Discord IDs (always above 2^53) keep their digits;
 * here they become digit strings, and small integers plain numbers. Empty values (`key:`) count as absent.
 */
function normalizeYaml(value: unknown, ancestors: readonly object[], name: string): unknown {
  if (typeof value === "bigint") {
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  }
  if (value === null || typeof value !== "object") return value;
  // An anchor aliased inside itself (`a: &x { b: *x }`) makes a structure without end.
  if (ancestors.includes(value)) {
    throw new UserError("config_invalid", `${name}: a YAML anchor is used inside itself, which never ends: replace that alias (*name) with the values it should hold.`);
  }
  const inner = [...ancestors, value];
  if (Array.isArray(value)) return value.map((v) => normalizeYaml(v, inner, name));
  const entries = Object.entries(value).filter(([, v]) => v !== null);
  return Object.fromEntries(entries.map(([k, v]) => [k, normalizeYaml(v, inner, name)]));
}

/** The document as plain data; an alias bomb or a self-referencing anchor is one clear error. */
function readAliases(doc: ReturnType<typeof parseDocument>, name: string): unknown {
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    throw new UserError(
      "config_invalid",
      `${name}: its YAML aliases (*name) expand to too much data, as an alias bomb does: write the values out, or use fewer aliases (at most ${MAX_ALIASES}).`,
      { cause: err },
    );
  }
  return normalizeYaml(data, [], name);
}

function platformSettings(env: Record<string, unknown>): PlatformSettings {
  return Object.fromEntries(Object.entries(CHAT_ADAPTERS).map(([p, adapter]) => [p, adapter.settings(env)])) as PlatformSettings;
}

function assemble(env: Env, file: ConfigFile, platforms: PlatformSettings): Config {
  return {
    ...file,
    configFile: env.BANBOT_CONFIG,
    dataDir: env.BANBOT_DATA_DIR,
    fail2ban: { socket: env.BANBOT_FAIL2BAN_SOCKET, ...file.fail2ban },
    log: { level: env.BANBOT_LOG_LEVEL },
    http: { port: env.BANBOT_HTTP_PORT, host: env.BANBOT_HTTP_HOST },
    fleet: { ...file.fleet, url: env.BANBOT_NATS_URL, host: env.BANBOT_HOST },
    platforms,
  };
}

const SECRET_KEY = /token|secret|password/i;

/** Settings that differ from the defaults, flattened to dotted paths, secrets replaced; for the startup log. */
export function describeNonDefaults(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  collectNonDefaults(config, loadConfig({}), "", out);
  return out;
}

function collectNonDefaults(value: unknown, fallback: unknown, path: string, out: Record<string, unknown>): void {
  if (isRecord(value)) {
    for (const [key, child] of Object.entries(value)) {
      const childFallback = isRecord(fallback) ? fallback[key] : undefined;
      collectNonDefaults(child, childFallback, path === "" ? key : `${path}.${key}`, out);
    }
  } else if (value !== undefined && JSON.stringify(value) !== JSON.stringify(fallback)) {
    out[path] = SECRET_KEY.test(path.slice(path.lastIndexOf(".") + 1)) ? "REDACTED" : value;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
