import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "../..");

export interface BanbotProcess {
  child: ChildProcess;
  /** Everything written to stderr so far, where BanBot's pino log goes. */
  logs: () => string;
  stdout: () => string;
  exited: Promise<number | null>;
}

/** `banbot <args>` from source as its own process, as a service manager or an operator runs it. */
export function spawnBanbot(args: string[], env: Record<string, string | undefined>): BanbotProcess {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli.ts"), ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let logs = "";
  let stdout = "";
  child.stderr.on("data", (d: Buffer) => (logs += d.toString()));
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  return { child, logs: () => logs, stdout: () => stdout, exited: new Promise((resolve) => child.on("exit", (code) => resolve(code))) };
}

/** For after-hooks: a BanBot a failed test left running is killed, and waited for. */
export async function killIfRunning(bot: BanbotProcess | undefined): Promise<void> {
  if (!bot || bot.child.exitCode !== null || bot.child.signalCode !== null) return;
  bot.child.kill("SIGKILL");
  await bot.exited;
}
