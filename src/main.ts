import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import pino from "pino";
import { chartFiles } from "./adapters/console/chart-files.js";
import { imageProtocol } from "./adapters/console/terminal-images.js";
import { argsWithStdin, commandLineFrom, parseExecArgs, runExec } from "./cli/exec.js";
import { openStore } from "./cli/store-path.js";
import { buildCore, type Core, type CoreOptions } from "./compose.js";
import { describeNonDefaults, loadConfig, readConfigFile, type Config } from "./config.js";
import { isUserError, type ErrorCode } from "./core/errors.js";
import { CHAT_PLATFORMS } from "./core/platforms.js";
import { migrate } from "./db/migrate.js";
import type { Front } from "./fleet/front/front.js";
import { failFastOnLocks } from "./db/open.js";
import { createLogger, type Logger } from "./log.js";
import { migrationsDir } from "./paths.js";

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  stdin: Readable;
  stdout: Writable;
}

type Env = Record<string, string | undefined>;

const LABELS = Object.values(CHAT_PLATFORMS).map((p) => p.label);

const USAGE = `Usage: banbot <command>

Commands:
  start                            run BanBot: the chat platforms configured (${LABELS.join(", ")}) and the jobs
  demo                             BanBot against a sandboxed fail2ban with synthetic attacks, in the console
  console                          interactive prompt for the catalogue's commands, as the local admin
  exec [--json] [--yes] -- <line>  run one command as the local admin (e.g. exec -- banned sshd);
                                   --yes confirms destructive commands; a lone - stands for the
                                   addresses on standard input (exec -- ban - sshd < list.txt)
  doctor                           check configuration, fail2ban socket and database, and BanBot's store
  migrate                          create or upgrade BanBot's SQLite store in BANBOT_DATA_DIR
  register                         register the /f2b command with Discord (globally, or in DISCORD_GUILD_ID)
  slack-manifest [--http <url>]    print a Slack app manifest (Socket Mode unless --http gives the public URL)
  agent                            run this host's part of a fleet: fail2ban, history and jobs, commands
                                   and alerts over NATS (BANBOT_NATS_URL; see docs/fleet.md)
  fleet-config --hosts a,b,c [--fleet <name>] [--out <dir>]
                                   print a least-privilege nats-server configuration, write each
                                   process's NATS key
  help                             show this text

Configuration comes from the environment (BANBOT_*, ${LABELS.map((l) => `${l.toUpperCase()}_*`).join(", ")}) and the YAML file named by
BANBOT_CONFIG; see docs/configuration.md.`;

// Exit 2: BanBot cannot run as set up (config, store); a service manager should not just retry.
const CANNOT_START = new Set<ErrorCode>(["config_invalid", "store_unusable", "database_too_new"]);

// A process that runs one command and ends: nothing scrapes its metrics.
const ONE_SHOT: CoreOptions = { metrics: false };

const COMMANDS = ["start", "demo", "console", "exec", "doctor", "migrate", "register", "slack-manifest", "agent", "fleet-config"];

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
  // Logs go to stderr: stdout belongs to the command's own output. At a prompt, routine info lines
  // would land between a command and its reply, so the interactive modes log only what needs a look.
  const level = config.log.level ?? (command === "console" || command === "demo" ? "warn" : "info");
  const log = createLogger({ level, destination: pino.destination(2) });
  // Working it out loads a second, default config: only when it is going to be logged.
  if (log.isLevelEnabled("debug")) log.debug({ config: describeNonDefaults(config) }, "effective configuration");

  // Only `exec` and `console` run on every call: what the other commands need (the chat SDKs, jobs,
  // the ops server, the sandbox) is imported in their branch, so a one-shot command never loads it.
  try {
    switch (command) {
      case "migrate": {
        const { runMigrate } = await import("./cli/migrate.js");
        runMigrate(config.dataDir, log, io.out);
        return 0;
      }
      case "start": {
        const [{ createChatAdapters }, { buildScheduler }, { runStart }, { historySocketPath }, { opsStarter }] = await Promise.all([
          import("./adapters/index.js"),
          import("./jobs/build.js"),
          import("./cli/start.js"),
          import("./cli/capture-check.js"),
          import("./ops/start-ops.js"),
        ]);
        return await withFleet(config, log, "alerts", async (front) => {
          const run = async (core: Core): Promise<number> => {
            const adapters = await createChatAdapters(config, core, log);
            const scheduler = buildScheduler(config, core, adapters, log, { fleet: front?.hosts });
            const startOps = opsStarter({ http: config.http, core, scheduler, log });
            const listenHistory = () => core.services.history.listen({ path: historySocketPath(config), mode: config.history.socketMode });
            // Fleet mode: the agents' alerts join this process's routing and outbox, and the bans
            // they report feed the "seen across the fleet" watch.
            if (front) {
              const { hostAlertsIntoRouting, seenAcrossWatch } = await import("./fleet/front/front.js");
              const deliverNow = () => void scheduler.runNow("alert-delivery");
              front.start(hostAlertsIntoRouting(core, deliverNow), seenAcrossWatch(core, config.fleet.seenAcross, deliverNow));
            }
            return await runStart({ core, adapters, scheduler, log, stopSignal: stopSignal(), startOps, listenHistory });
          };
          return await withCore(config, log, run, { service: true, fleet: front?.hosts });
        });
      }
      case "agent": {
        const { agentSetup, runAgent } = await import("./fleet/agent/agent.js");
        const setup = agentSetup(config, hostname());
        if ("error" in setup) {
          io.err(setup.error);
          return 2;
        }
        return await withCore(setup.config, log, (core) => runAgent({ ...setup, core, log, stopSignal: stopSignal() }), { service: true, routeAlert: setup.routeAlert });
      }
      case "fleet-config": {
        const { runFleetConfig } = await import("./fleet/fleet-config.js");
        return runFleetConfig(rest, { fleet: config.fleet.name }, io);
      }
      case "register": {
        if (!config.platforms.discord) {
          io.err("banbot register needs DISCORD_TOKEN and DISCORD_APPLICATION_ID.");
          return 2;
        }
        const [{ registerCommands }, { COMMANDS: CATALOGUE }] = await Promise.all([import("./cli/register.js"), import("../commands/index.js")]);
        await registerCommands({ discord: config.platforms.discord, commands: config.commands, catalogue: CATALOGUE, fleet: config.fleet.url !== undefined, out: io.out });
        return 0;
      }
      case "slack-manifest": {
        const { runSlackManifest } = await import("./cli/slack-manifest.js");
        return runSlackManifest(rest, config.commands.name, io.out);
      }
      case "doctor": {
        const { runDoctor } = await import("./cli/doctor.js");
        return await withCore(config, log, ({ services }) => runDoctor({ config, fail2ban: services.fail2ban, configOps: services.configOps, out: io.out }), ONE_SHOT);
      }
      case "exec": {
        const args = parseExecArgs(rest);
        if ("error" in args) {
          io.err(args.error);
          return 2;
        }
        const { words, ...opts } = args;
        const line = commandLineFrom(await argsWithStdin(words, io.stdin));
        const saveImage = chartFiles({ dir: chartDir(config.dataDir) });
        const width = (io.stdout as NodeJS.WriteStream).isTTY === true ? (io.stdout as NodeJS.WriteStream).columns : undefined;
        return await withFleet(config, log, "commands", (front) =>
          withCore(config, log, ({ dispatcher }) => runExec(dispatcher, line, { ...opts, saveImage, width }, io.out), { ...ONE_SHOT, fleet: front?.hosts }),
        );
      }
      case "console": {
        const { runConsole } = await import("./adapters/console/console.js");
        return await withFleet(config, log, "commands", (front) =>
          withCore(
            config,
            log,
            async ({ dispatcher }) => {
              await runConsole({ dispatcher, input: io.stdin, output: io.stdout, ...terminalCharts(env, io, chartDir(config.dataDir)) });
              return 0;
            },
            { fleet: front?.hosts },
          ),
        );
      }
      default:
        return await runDemo(config, env, log, io);
    }
  } catch (err) {
    if (!isUserError(err)) throw err;
    log.debug({ err }, "command failed");
    io.err(err.message);
    return CANNOT_START.has(err.code) ? 2 : 1;
  }
}

/**
 * Opens and migrates the store, builds the core, runs `use`, and closes everything in reverse order.
 * A `service` (`banbot start`, `banbot agent`) never waits for another process's lock on the store
 * (the demo's store is its own: nobody else holds it).
 */
async function withCore<T>(config: Config, log: Logger, use: (core: Core) => Promise<T>, { service = false, ...coreOptions }: CoreOptions & { service?: boolean } = {}): Promise<T> {
  const db = openStore(config.dataDir);
  try {
    migrate(db, migrationsDir());
    if (service) failFastOnLocks(db);
    const core = buildCore(config, db, log, undefined, coreOptions);
    try {
      return await use(core);
    } finally {
      await core.close();
    }
  } finally {
    db.close();
  }
}

/**
 * Fleet mode (BANBOT_NATS_URL set): the front's NATS side around `use`, closed after it; undefined
 * otherwise. `commands` (exec, console) connects with the first command for hosts, which waits for
 * the connection (a one-shot command is not refused for being quick), while one the front runs
 * itself answers at once, NATS up or not; it leaves the agents' alerts to `banbot start`. `alerts`
 * connects in the background and is started by its caller, with the core to route them into.
 */
async function withFleet<T>(config: Config, log: Logger, mode: "alerts" | "commands", use: (front: Front | undefined) => Promise<T>): Promise<T> {
  const { url } = config.fleet;
  if (url === undefined) return await use(undefined);
  const { createFleetFront } = await import("./fleet/front/front.js");
  const front = createFleetFront({ ...config.fleet, url }, log, { connectOnUse: mode === "commands" });
  try {
    return await use(front);
  } finally {
    await front.close();
  }
}

// The demo points the user's configuration at a sandboxed fail2ban-server and a throwaway store, and
// runs what `banbot start` runs but the chat platforms: the history capture and the jobs, whose
// alerts reach the console.
async function runDemo(userConfig: Config, env: Env, log: Logger, io: Io): Promise<number> {
  const [{ runConsole }, { ConsoleChat }, { historyActionFile }, { DEMO_REGULARS, startAttackFeed }, { builtInAttackers }, { demoBanner }, { watchBans }, { demoConfig }, { DEMO_JAILS }, { buildScheduler }, { startFail2banSandbox }] =
    await Promise.all([
      import("./adapters/console/console.js"),
      import("./adapters/console/chat.js"),
      import("./cli/capture-check.js"),
      import("./demo/attack.js"),
      import("./demo/attackers.js"),
      import("./demo/banner.js"),
      import("./demo/ban-watch.js"),
      import("./demo/config.js"),
      import("./demo/jails.js"),
      import("./jobs/build.js"),
      import("./sandbox/fail2ban-sandbox.js"),
    ]);
  io.out("Starting a sandboxed fail2ban-server (unprivileged, no firewall changes)…");
  // BanBot's store lives apart from the sandbox: the history action must know its socket first.
  const dataDir = await mkdtemp(join(tmpdir(), "bbd-"));
  const historySocket = join(dataDir, "history.sock");
  const sandbox = await startFail2banSandbox({ jails: DEMO_JAILS, extraActions: [{ file: historyActionFile(), options: { socket: historySocket } }] });
  const attackers = builtInAttackers();
  const regulars = attackers.take(DEMO_REGULARS);
  const feed = startAttackFeed(sandbox, DEMO_JAILS, { regulars, fresh: (count) => attackers.take(count) });
  try {
    const config = demoConfig(userConfig, sandbox, dataDir);
    return await withCore(config, log, async (core) => {
      // Before the console opens: the first ban's lookup would otherwise stall it reading the ASN table.
      core.geo.load();
      const consoleChat = new ConsoleChat();
      const scheduler = buildScheduler(config, core, [consoleChat], log);
      const capture = await core.services.history.listen({ path: historySocket, mode: 0o600 });
      scheduler.start();
      try {
        await runConsole({
          dispatcher: core.dispatcher,
          notices: (notify) => {
            const stopWatching = watchBans(core.services.fail2ban, notify);
            const detach = consoleChat.attach(notify);
            return () => {
              detach();
              stopWatching();
            };
          },
          input: io.stdin,
          output: io.stdout,
          // The demo's data directory goes when it ends; its charts stay for a look afterwards.
          ...terminalCharts(env, io, join(tmpdir(), "banbot-demo-charts")),
          banner: demoBanner(sandbox.socketPath, regulars[0] ?? "198.51.100.7"),
        });
      } finally {
        await scheduler.stop();
        await capture.close();
      }
      return 0;
    });
  } finally {
    feed.stop();
    await sandbox.dispose();
    await rm(dataDir, { recursive: true, force: true });
    io.out("Sandbox stopped and removed.");
  }
}

/** Charts from the console and exec are PNG files here, beside the store. */
function chartDir(dataDir: string): string {
  return join(dataDir, "charts");
}

function terminalCharts(env: Env, io: Io, dir: string) {
  return { saveImage: chartFiles({ dir }), imageProtocol: imageProtocol(env, (io.stdout as NodeJS.WriteStream).isTTY === true) };
}

function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
}
