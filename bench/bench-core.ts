import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3, { type Database } from "better-sqlite3";
import pino, { type Logger } from "pino";
import { storePath } from "../src/cli/store-path.js";
import { buildCore, type Core } from "../src/compose.js";
import { loadConfig, type Config } from "../src/config.js";
import { historyActionFile } from "../src/cli/capture-check.js";
import { startFail2banSandbox, type Fail2banSandbox } from "../src/sandbox/fail2ban-sandbox.js";
import { migratedStore } from "../test/harness/store.js";
import { TEST_JAILS } from "../test/harness/test-jails.js";
import type { Fail2ban } from "../src/core/ports/fail2ban.js";
import { until } from "./report.js";

export interface BenchCore {
  sandbox: Fail2banSandbox;
  dataDir: string;
  db: Database;
  config: Config;
  core: Core;
  log: Logger;
  /** Core, store, sandbox and data dir, in that order. */
  close(): Promise<void>;
}

/**
 * BanBot's real core on a fresh store against a sandboxed fail2ban-server, as the benchmarks need it.
 * With `capture`, every jail reports its bans to the core's history as in production (docs/history.md).
 */
export async function startBenchCore(yaml?: string, opts: { capture?: boolean } = {}): Promise<BenchCore> {
  const dataDir = await mkdtemp(join(tmpdir(), "bbench-"));
  const captureSocket = join(dataDir, "history.sock");
  const extraActions = opts.capture ? [{ file: historyActionFile(), options: { socket: captureSocket } }] : [];
  const sandbox = await startFail2banSandbox({ jails: TEST_JAILS, extraActions });
  const log = pino({ level: "silent" });
  const db = migratedStore(storePath(dataDir));
  const config = loadConfig({ BANBOT_FAIL2BAN_SOCKET: sandbox.socketPath, BANBOT_DATA_DIR: dataDir }, yaml);
  const core = buildCore(config, db, log);
  const capture = opts.capture ? await core.services.history.listen({ path: captureSocket, mode: 0o600 }) : undefined;
  return {
    sandbox,
    dataDir,
    db,
    config,
    core,
    log,
    async close() {
      await capture?.close();
      await core.close();
      db.close();
      await sandbox.dispose();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * How many bans of `jail` fail2ban's database holds. fail2ban answers `banip` at once but records the
 * bans for seconds after (its actions thread): a bench that goes on before then measures fail2ban's backlog.
 */
/**
 * Waits until fail2ban's database holds exactly the bans `jail` holds: fail2ban answers bans and
 * unbans at once but records them for seconds after, so a measured run starts at rest, as a user's
 * command (or an import hours after the last) meets fail2ban.
 */
export async function fail2banAtRest(fail2ban: Pick<Fail2ban, "jailStatus">, dbFile: string, jail: string): Promise<void> {
  const held = async () => (await fail2ban.jailStatus(jail, { short: true })).currentlyBanned;
  await until(async () => recordedBans(dbFile, jail) === (await held()), { what: `fail2ban to record ${jail}'s bans in its database`, timeoutMs: 300_000 });
}

export function recordedBans(file: string, jail: string): number {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT count(*) FROM bans WHERE jail = ?").pluck().get(jail) as number);
  } finally {
    db.close();
  }
}
