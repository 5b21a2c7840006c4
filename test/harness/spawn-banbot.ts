import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { expect, inject, vi } from "vitest";
import { FAKE_TOKENS, type FakeSlack } from "../fakes/fake-slack.js";

const ROOT = join(import.meta.dirname, "../..");

export interface BanbotProcess {
  child: ChildProcess;
  /** Everything written to stderr so far, where BanBot's pino log goes. */
  logs: () => string;
  stdout: () => string;
  exited: Promise<number | null>;
}

/**
 * Node's arguments for `banbot <args>`: as built (test/global-setup.ts builds it once per run), or
 * from the sources through tsx, after `nodeArgs` (about a second of CPU more per process).
 */
export function banbotArgs(args: readonly string[], from: "build" | "sources" = "build", nodeArgs: readonly string[] = []): string[] {
  return from === "build" ? [...nodeArgs, inject("banbotCli"), ...args] : ["--import", "tsx", ...nodeArgs, join(ROOT, "src/cli.ts"), ...args];
}

/** `banbot <args>` as its own process, as a service manager or an operator runs it. */
export function spawnBanbot(args: string[], env: Record<string, string | undefined>, from: "build" | "sources" = "build"): BanbotProcess {
  return spawnNode(banbotArgs(args, from), env);
}

/** node with `argv` (a BanBot CLI and its arguments), its output collected: also for the benches, outside vitest. */
export function spawnNode(argv: readonly string[], env: Record<string, string | undefined>): BanbotProcess {
  const child = spawn(process.execPath, argv, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
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

/**
 * `banbot start` against a fake Slack (Socket Mode) and a fail2ban socket, returned once it has
 * started, listens for the history capture and has Socket Mode connected.
 */
export async function startBanbotOnSlack(
  slack: FakeSlack,
  { configFile, dataDir, socketPath, env = {} }: { configFile: string; dataDir: string; socketPath: string; env?: Record<string, string> },
): Promise<BanbotProcess> {
  const bot = spawnBanbot(["start"], {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    BANBOT_CONFIG: configFile,
    BANBOT_DATA_DIR: dataDir,
    BANBOT_FAIL2BAN_SOCKET: socketPath,
    SLACK_BOT_TOKEN: FAKE_TOKENS.bot,
    SLACK_APP_TOKEN: FAKE_TOKENS.app,
    SLACK_API_URL: slack.apiUrl,
    ...env,
  });
  await vi.waitFor(() => expect(bot.logs()).toContain('"msg":"BanBot started"'), { timeout: 30_000, interval: 100 });
  expect(bot.logs()).toContain("listening for ban history from fail2ban");
  await slack.socket.connected();
  return bot;
}
