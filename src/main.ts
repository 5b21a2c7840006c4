import { readFileSync } from "node:fs";
import pino from "pino";
import { runDemo } from "./cli/demo.js";
import { runDoctor } from "./cli/doctor.js";
import { runMigrate } from "./cli/migrate.js";
import { describeNonDefaults, loadConfig, readConfigFile, type Config } from "./config.js";
import { isUserError } from "./core/errors.js";
import { SocketFail2ban } from "./core/fail2ban/client.js";
import { Fail2banConnection } from "./core/fail2ban/connection.js";
import { createLogger, type Logger } from "./log.js";

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

const USAGE = `Usage: banbot <command>

Commands:
  demo       run BanBot against a sandboxed fail2ban with synthetic attacks
  doctor     check configuration, fail2ban socket and database, and BanBot's store
  migrate    create or upgrade BanBot's SQLite store in BANBOT_DATA_DIR
  help       show this text

Configuration comes from the environment (BANBOT_*, SLACK_*, DISCORD_*) and the YAML file named by
BANBOT_CONFIG; see docs/configuration.md.`;

/** The composition root: every long-lived object is built here and nowhere else. */
export async function main(argv: readonly string[], env: Record<string, string | undefined>, io: Io): Promise<number> {
  const [command = "help"] = argv;
  if (command === "help" || command === "--help" || command === "-h") {
    io.out(USAGE);
    return 0;
  }
  if (!["demo", "doctor", "migrate"].includes(command)) {
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
  log.debug({ config: describeNonDefaults(config) }, "effective configuration");

  try {
    switch (command) {
      case "migrate":
        runMigrate(config.dataDir, log, io.out);
        return 0;
      case "doctor":
        return await withFail2ban(config, log, (fail2ban) => runDoctor({ config, fail2ban, out: io.out }));
      default:
        return await runDemo({ log, out: io.out });
    }
  } catch (err) {
    if (!isUserError(err)) throw err;
    log.debug({ err }, "command failed");
    io.err(err.message);
    return 1;
  }
}

async function withFail2ban<T>(config: Config, log: Logger, use: (fail2ban: SocketFail2ban) => Promise<T>): Promise<T> {
  const conn = new Fail2banConnection({
    socketPath: config.fail2ban.socket,
    timeoutMs: config.fail2ban.timeoutMs,
    log: log.child({ component: "fail2ban" }),
  });
  try {
    return await use(new SocketFail2ban(conn, log.child({ component: "fail2ban" })));
  } finally {
    await conn.close();
  }
}
