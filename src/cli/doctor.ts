import { execFile } from "node:child_process";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import type { Config } from "../config.js";
import { isUserError } from "../core/errors.js";
import type { Fail2ban } from "../core/ports/fail2ban.js";
import type { Fail2banConfigOps } from "../core/fail2ban/config-ops.js";
import { Fail2banDatabase, locateFail2banDb } from "../core/fail2ban/database.js";
import { describeNoPing } from "../core/fail2ban/socket-errors.js";
import { listMigrations } from "../db/migrate.js";
import { checkGeoFiles } from "../core/geo/databases.js";
import { embeddedAsnDatabase, embeddedCountryDatabase } from "../core/geo/embedded.js";
import { checkHistoryCapture } from "./capture-check.js";
import { migrationsDir } from "../paths.js";
import { storePath } from "./store-path.js";
import { CAPTURE_ACTION } from "../core/alerts/spike.js";
import { describeSpikeSources } from "../core/alerts/spike-sources.js";

const run = promisify(execFile);

interface Check {
  name: string;
  /** Resolves to what was found (a `warning`: works, but not as well as it could); throws to report what to fix. */
  run(): Promise<string | { warning: string }>;
}

export interface DoctorDeps {
  config: Config;
  fail2ban: Pick<Fail2ban, "ping" | "version" | "status" | "dbFile" | "jailSettings" | "actions" | "actionProperty">;
  configOps: Pick<Fail2banConfigOps, "configuredJails">;
  out: (line: string) => void;
}

// The operator runs this in their own shell, so unlike chat replies it may name paths.
export async function runDoctor({ config, fail2ban, configOps, out }: DoctorDeps): Promise<number> {
  const checks: Check[] = [
    {
      name: "configuration",
      run: () => Promise.resolve(config.configFile ? `read from ${config.configFile}` : "defaults (BANBOT_CONFIG not set)"),
    },
    {
      name: "fail2ban socket",
      // Judged by an answered ping: with systemd socket activation a socket file is no server.
      run: async () => {
        const started = performance.now();
        try {
          await fail2ban.ping();
        } catch (err) {
          throw isUserError(err) ? new Error(`${config.fail2ban.socket}: ${describeNoPing(err, config.fail2ban.timeoutMs)}`) : err;
        }
        const pingMs = Math.round(performance.now() - started);
        const version = await fail2ban.version();
        const { jails } = await fail2ban.status();
        return `fail2ban ${version} answered a ping on ${config.fail2ban.socket} in ${pingMs} ms, with ${jails.length} jail(s)`;
      },
    },
    {
      name: "fail2ban-client",
      run: async () => {
        const { stdout } = await run(config.fail2ban.clientPath, ["--version"], { timeout: 10_000 });
        return `${stdout.trim().split("\n")[0]} (used to start and reload jails, with ${config.fail2ban.configDir})`;
      },
    },
    {
      name: "fail2ban database",
      run: async () => {
        const file = await locateFail2banDb(fail2ban);
        const db = Fail2banDatabase.open(file);
        try {
          return `${file} is readable (schema ${db.schemaVersion})`;
        } finally {
          db.close();
        }
      },
    },
    { name: "history capture", run: () => checkHistoryCapture(config, fail2ban, configOps) },
    { name: "spike detection", run: () => spikeDetection(fail2ban) },
    {
      name: "geo databases",
      run: () => Promise.resolve(checkGeoFiles(config.geo.databases, embeddedCountryDatabase(), config.geo.builtinAsn ? embeddedAsnDatabase() : undefined)),
    },
    {
      name: "BanBot store",
      run: () => Promise.resolve(checkStore(storePath(config.dataDir))),
    },
  ];
  let failed = 0;
  let warned = 0;
  for (const check of checks) {
    try {
      const found = await check.run();
      if (typeof found === "string") out(`✓ ${check.name}: ${found}`);
      else {
        warned++;
        out(`⚠ ${check.name}: ${found.warning}`);
      }
    } catch (err) {
      failed++;
      out(`✗ ${check.name}: ${describe(err)}`);
    }
  }
  const warnings = warned > 0 ? `${warned} warning(s).` : "";
  out(failed > 0 ? `${failed} problem(s) found.${warnings ? ` ${warnings}` : ""}` : warnings ? `No problem found; ${warnings}` : "Everything looks right.");
  return failed === 0 ? 0 : 1;
}

// The same split the detector makes at each tick: jails with BanBot's action report their bans. The
// once-a-minute counter still detects spikes, later: worth a warning, not a failure.
async function spikeDetection(fail2ban: Pick<Fail2ban, "status" | "actions">): Promise<string | { warning: string }> {
  const { jails } = await fail2ban.status();
  const events: string[] = [];
  const counter: string[] = [];
  for (const jail of jails) ((await fail2ban.actions(jail)).includes(CAPTURE_ACTION) ? events : counter).push(jail);
  const described = describeSpikeSources({ events, counter });
  return counter.length > 0 ? { warning: described } : described;
}

function checkStore(file: string): string {
  const latest = listMigrations(migrationsDir()).at(-1)?.version ?? 0;
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch {
    throw new Error(`${file} does not exist yet: run \`banbot migrate\` (start does it too)`);
  }
  try {
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version < latest) throw new Error(`${file} is at schema ${version} of ${latest}: run \`banbot migrate\``);
    if (version > latest) throw new Error(`${file} is at schema ${version}, newer than this BanBot (${latest}): upgrade BanBot`);
    return `${file} is at schema ${version}`;
  } finally {
    db.close();
  }
}

function describe(err: unknown): string {
  if (isUserError(err)) return err.message;
  const e = err as NodeJS.ErrnoException;
  if (e.code === "ENOENT" && e.syscall?.startsWith("spawn")) return "not found on PATH (set fail2ban.client_path)";
  return e.message;
}
