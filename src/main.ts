import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import pino from "pino";
import { COMMANDS as CATALOGUE } from "../commands/index.js";
import { runConsole } from "./adapters/console/console.js";
import { createChatAdapters } from "./adapters/index.js";
import { runDoctor } from "./cli/doctor.js";
import { commandLineFrom, runExec } from "./cli/exec.js";
import { runMigrate } from "./cli/migrate.js";
import { runSlackManifest } from "./cli/slack-manifest.js";
import { runStart } from "./cli/start.js";
import { buildScheduler } from "./jobs/build.js";
import { historyActionFile, historySocketPath } from "./core/history/capture-check.js";
import { healthCheck } from "./ops/health.js";
import { startOpsServer } from "./ops/server.js";
import { storePath } from "./cli/store-path.js";
import { buildCore, type Core } from "./compose.js";
import { describeNonDefaults, loadConfig, readConfigFile, type Config } from "./config.js";
import { isUserError } from "./core/errors.js";
import { migrate } from "./db/migrate.js";
import { openDatabase } from "./db/open.js";
import { startAttackFeed } from "./demo/attack.js";
import { watchBans } from "./demo/ban-watch.js";
import { DEMO_JAILS } from "./demo/jails.js";
import { createLogger, type Logger } from "./log.js";
import { migrationsDir } from "./paths.js";
import { startFail2banSandbox } from "./sandbox/fail2ban-sandbox.js";

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  stdin: Readable;
  stdout: Writable;
}

type Env = Record<string, string | undefined>;

const USAGE = `Usage: banbot <command>

Commands:
  start                            run BanBot: the Slack and/or Discord adapters and the background jobs
  demo                             BanBot against a sandboxed fail2ban with synthetic attacks, in the console
  console                          interactive prompt for the catalogue's commands, as the local admin
  exec [--json] [--yes] -- <line>  run one command as the local admin (e.g. exec -- banned sshd);
                                   --yes confirms destructive commands
  doctor                           check configuration, fail2ban socket and database, and BanBot's store
  migrate                          create or upgrade BanBot's SQLite store in BANBOT_DATA_DIR
  register                         register the /f2b command with Discord (globally, or in DISCORD_GUILD_ID)
  slack-manifest [--http <url>]    print a Slack app manifest (Socket Mode unless --http gives the public URL)
  help                             show this text

Configuration comes from the environment (BANBOT_*, SLACK_*, DISCORD_*) and the YAML file named by
BANBOT_CONFIG; see docs/configuration.md.`;

const COMMANDS = ["start", "demo", "console", "exec", "doctor", "migrate", "register", "slack-manifest"];

/** The composition root: reads the configuration once and builds everything in plain order. */
export async function main(argv: readonly string[], env: Env, io: Io): Promise<number> {
  const [command = "help", ...rest] = argv;
  if (command === "help" || command === "--help" || command === "-h") {
    io.out(USAGE);
    return 0;
  }
  if (!COMMANDS.includes(command)) {
    io.err(`Unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }

  let config: Config;
  try {
    config = loadConfig(env, readConfigFile(env, (path) => readFileSync(path, "utf8")));
  } catch (err) {
    if (!isUserError(err)) throw err;
    io.err(err.message);
    return 2;
  }
  // Logs go to stderr: stdout belongs to the command's own output.
  const log = createLogger({ level: config.log.level, destination: pino.destination(2) });
  // Working it out loads a second, default config: only when it is going to be logged.
  if (log.isLevelEnabled("debug")) log.debug({ config: describeNonDefaults(config) }, "effective configuration");

  try {
    switch (command) {
      case "migrate":
        runMigrate(config.dataDir, log, io.out);
        return 0;
      case "start":
        return await withCore(config, log, async (core) => {
          const adapters = await createChatAdapters(config, core, log);
          const scheduler = buildScheduler(config, core, adapters, log);
          const { port, host } = config.http;
          const startOps =
            port === undefined
              ? undefined
              : (adaptersUp: () => Record<string, boolean>) =>
                  startOpsServer({
                    port,
                    host,
                    registry: core.internals.metrics.registry,
                    health: healthCheck({ fail2ban: core.services.fail2ban, db: core.internals.db, adapters: adaptersUp, scheduler }),
                    log: log.child({ component: "ops" }),
                  });
          const listenHistory = () => core.services.history.listen({ path: historySocketPath(config), mode: config.history.socketMode });
          return await runStart({ core, adapters, scheduler, log, stopSignal: stopSignal(), startOps, listenHistory });
        });
      case "register":
        if (!config.discord) {
          io.err("banbot register needs DISCORD_TOKEN and DISCORD_APPLICATION_ID.");
          return 2;
        }
        // discord.js, like every platform SDK, loads only where it is used: `start` without Discord never needs it.
        await (await import("./cli/register.js")).registerCommands({ discord: config.discord, commands: config.commands, catalogue: CATALOGUE, out: io.out });
        return 0;
      case "slack-manifest":
        return runSlackManifest(rest, config.commands.name, io.out);
      case "doctor":
        return await withCore(config, log, ({ services }) => runDoctor({ config, fail2ban: services.fail2ban, out: io.out }));
      case "exec": {
        const { line, ...opts } = execArgs(rest);
        if (!line) {
          io.err("Usage: banbot exec [--json] [--yes] -- <command line>");
          return 2;
        }
        return await withCore(config, log, ({ dispatcher }) => runExec(dispatcher, line, opts, io.out));
      }
      case "console":
        return await withCore(config, log, async ({ dispatcher }) => {
          await runConsole({ dispatcher, input: io.stdin, output: io.stdout });
          return 0;
        });
      default:
        return await runDemo(env, log, io);
    }
  } catch (err) {
    if (!isUserError(err)) throw err;
    log.debug({ err }, "command failed");
    io.err(err.message);
    return 1;
  }
}

// Flags come before `--` (or lead, when there is no `--`); the rest is the command line.
function execArgs(args: readonly string[]): { json: boolean; yes: boolean; line: string } {
  const dashes = args.indexOf("--");
  let split = dashes;
  if (split < 0) for (split = 0; split < args.length && args[split]!.startsWith("--"); split++);
  const flags = args.slice(0, split);
  return { json: flags.includes("--json"), yes: flags.includes("--yes"), line: commandLineFrom(args.slice(dashes >= 0 ? dashes + 1 : split)) };
}

/** Opens and migrates the store, builds the core, runs `use`, and closes everything in reverse order. */
async function withCore<T>(config: Config, log: Logger, use: (core: Core) => Promise<T>): Promise<T> {
  const db = openDatabase(storePath(config.dataDir));
  try {
    migrate(db, migrationsDir());
    const core = buildCore(config, db, log);
    try {
      return await use(core);
    } finally {
      await core.close();
    }
  } finally {
    db.close();
  }
}

// The demo points a normal configuration at a sandboxed fail2ban-server and a throwaway store.
async function runDemo(env: Env, log: Logger, io: Io): Promise<number> {
  io.out("Starting a sandboxed fail2ban-server (unprivileged, no firewall changes)…");
  // BanBot's store lives apart from the sandbox: the history action must know its socket first.
  const dataDir = await mkdtemp(join(tmpdir(), "bbd-"));
  const historySocket = join(dataDir, "history.sock");
  const sandbox = await startFail2banSandbox({ jails: DEMO_JAILS, extraActions: [{ file: historyActionFile(), options: { socket: historySocket } }] });
  const feed = startAttackFeed(sandbox, DEMO_JAILS);
  try {
    const base = loadConfig({ ...env, BANBOT_CONFIG: undefined, BANBOT_FAIL2BAN_SOCKET: sandbox.socketPath, BANBOT_DATA_DIR: dataDir });
    const config: Config = { ...base, fail2ban: { ...base.fail2ban, configDir: join(sandbox.dir, "conf") } };
    return await withCore(config, log, async ({ dispatcher, services }) => {
      const capture = await services.history.listen({ path: historySocket, mode: 0o600 });
      await runConsole({
        dispatcher,
        notices: (notify) => watchBans(services.fail2ban, notify),
        input: io.stdin,
        output: io.stdout,
        banner:
          `fail2ban sandbox up with jails ${DEMO_JAILS.map((j) => j.name).join(", ")}; synthetic attacks are hitting them now.\n` +
          `(its socket: ${sandbox.socketPath})\n` +
          "Try: jails, banned sshd, ban 203.0.113.5 sshd for 2h, ip 203.0.113.5, unban 203.0.113.5, history, stats",
      });
      await capture.close();
      return 0;
    });
  } finally {
    feed.stop();
    await sandbox.dispose();
    await rm(dataDir, { recursive: true, force: true });
    io.out("Sandbox stopped and removed.");
  }
}

function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
}
