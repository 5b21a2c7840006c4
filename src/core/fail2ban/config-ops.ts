import { execFile } from "node:child_process";
import type { Logger } from "pino";
import { UserError } from "../errors.js";
import { parseConfigDump, type ConfiguredJail } from "./config-dump.js";
import { assertJail } from "./validate.js";

/**
 * Operations that need fail2ban's configuration files. Only fail2ban-client can parse those, so these
 * run it with a fixed argv (no shell). Never send `reload` over the socket ourselves: an empty config
 * stream deletes every jail.
 */
export interface Fail2banConfigOps {
  /** Starts a stopped jail from its configuration. */
  startJail(jail: string): Promise<void>;
  reloadJail(jail: string, opts?: { unban?: boolean }): Promise<void>;
  reloadAll(opts?: { unban?: boolean }): Promise<void>;
  /** The jails the configuration enables, running or not, with their actions. */
  configuredJails(): Promise<ConfiguredJail[]>;
}

export interface CliOptions {
  clientPath: string;
  configDir: string;
  socketPath: string;
  timeoutMs: number;
  log: Logger;
  /** Asked after `start` to confirm the jail runs: a jail disabled in config is silently skipped. */
  jailExists: (jail: string) => Promise<boolean>;
}

export class CliConfigOps implements Fail2banConfigOps {
  constructor(private readonly opts: CliOptions) {}

  async startJail(jail: string): Promise<void> {
    assertJail(jail);
    // `start <jail>` only starts a jail added over the socket; a stopped one comes back through a
    // reload of that jail that tolerates its absence.
    await this.run(["reload", "--if-exists", jail], jail);
    if (!(await this.opts.jailExists(jail))) {
      throw new UserError("fail2ban_client_failed", `${jail} did not start: is it enabled in fail2ban's configuration?`);
    }
  }

  async reloadJail(jail: string, opts: { unban?: boolean } = {}): Promise<void> {
    assertJail(jail);
    await this.run(["reload", ...(opts.unban ? ["--unban"] : []), jail], jail);
  }

  async reloadAll(opts: { unban?: boolean } = {}): Promise<void> {
    await this.run(["reload", ...(opts.unban ? ["--unban"] : []), "--all"]);
  }

  async configuredJails(): Promise<ConfiguredJail[]> {
    // `-d` dumps the config stream the client would send, without talking to the server.
    return parseConfigDump(await this.run(["-d"]));
  }

  private run(command: string[], jail?: string): Promise<string> {
    const { clientPath, configDir, socketPath, timeoutMs, log } = this.opts;
    const argv = ["-c", configDir, "-s", socketPath, ...command];
    return new Promise((resolve, reject) => {
      // A dump of many jails with long action commands runs to megabytes.
      execFile(clientPath, argv, { timeout: timeoutMs, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (!err) {
          resolve(stdout);
          return;
        }
        log.warn({ err, argv, stderr: stderr.slice(-2000), stdout: stdout.slice(-500) }, "fail2ban-client failed");
        reject(clientError(err, stderr, jail));
      });
    });
  }
}

function clientError(err: { code?: string | number | null; killed?: boolean }, stderr: string, jail?: string): UserError {
  if (err.code === "ENOENT") {
    return new UserError("fail2ban_client_failed", "fail2ban-client was not found: install it or set fail2ban.client_path.");
  }
  if (err.killed) return new UserError("fail2ban_timeout", "fail2ban-client did not finish in time; check fail2ban's log.");
  if (jail && /does not exist|No section/.test(stderr)) {
    return new UserError("unknown_jail", `fail2ban's configuration has no jail named ${jail}.`);
  }
  // The last error line says what went wrong; paths in it stay in the log.
  const reason = stderr
    .split("\n")
    .filter((l) => /ERROR|Sorry|NOK/.test(l))
    .pop()
    ?.replace(/^.*?(ERROR|Sorry)\s*/, "")
    .replace(/\/\S+/g, "…")
    .slice(0, 200);
  return new UserError("fail2ban_client_failed", `fail2ban-client failed${reason ? `: ${reason}` : ""}. See BanBot's log for details.`);
}
