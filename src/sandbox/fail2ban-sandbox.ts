import { rmSync } from "node:fs";
import { appendFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveSandboxJails, sandboxPaths, writeSandboxConfig } from "./sandbox-config.js";
import type { ResolvedSandboxJail, SandboxAction, SandboxJail } from "./sandbox-config.js";
import { spawnServer } from "./server-process.js";
import type { ServerProcess } from "./server-process.js";

export type { ResolvedSandboxJail, SandboxAction, SandboxJail } from "./sandbox-config.js";

export interface StartFail2banSandboxOptions {
  jails: readonly SandboxJail[];
  /** Defaults to `fail2ban-server` from PATH. */
  serverBin?: string;
  readyTimeoutMs?: number;
  dbpurgeage?: string;
  /** Python actions every jail runs besides the noop ban action (e.g. BanBot's history action). */
  extraActions?: readonly SandboxAction[];
}

/**
 * A real, unprivileged fail2ban-server (noop actions, polling backend) in its own temp dir.
 * Lifecycle calls are serialised, so e.g. a dispose() during a restart() waits for it. If the
 * host process exits without dispose(), the server is SIGKILLed and the dir removed on 'exit'.
 */
export interface Fail2banSandbox {
  readonly dir: string;
  readonly socketPath: string;
  readonly dbPath: string;
  readonly pidFile: string;
  readonly serverLog: string;
  /** The jails with defaults applied (maxretry 3, findtime 600, bantime 600, no ignoreip). */
  readonly jails: readonly ResolvedSandboxJail[];
  logFile(jail: string): string;
  appendLog(jail: string, lines: readonly string[]): Promise<void>;
  /** SIGTERM and wait for exit; idempotent; keeps every file. */
  stop(): Promise<void>;
  /** stop() then start on the same config and DB. Restored bans appear ~0.2 s after this resolves. */
  restart(): Promise<void>;
  /** SIGKILL, like a crash: the stale socket and pidfile stay behind. */
  kill(): Promise<void>;
  /** stop() and delete the directory; idempotent. */
  dispose(): Promise<void>;
}

// fail2ban needs 0.3 s normally but has been seen taking 2.3 s to stop.
const STOP_GRACE_MS = 10_000;

export async function startFail2banSandbox(opts: StartFail2banSandboxOptions): Promise<Fail2banSandbox> {
  const jails = resolveSandboxJails(opts.jails);
  // A short prefix keeps the socket path far below the 107-byte sun_path limit. mkdtemp appends
  // six characters: check that length first, so a too-long TMPDIR fails before creating anything.
  sandboxPaths(join(tmpdir(), "f2b-XXXXXX"));
  const dir = await mkdtemp(join(tmpdir(), "f2b-"));
  const paths = sandboxPaths(dir);
  const jailNames = new Set(jails.map((j) => j.name));
  const start = (): Promise<ServerProcess> =>
    spawnServer({
      serverBin: opts.serverBin ?? "fail2ban-server",
      confDir: paths.confDir,
      serverLog: paths.serverLog,
      readyTimeoutMs: opts.readyTimeoutMs ?? 15_000,
    });

  let server: ServerProcess | undefined;
  let disposal: Promise<void> | undefined;
  let removed = false;
  let lifecycle: Promise<unknown> = Promise.resolve();
  const serialised = <T>(step: () => Promise<T>): Promise<T> => {
    const next = lifecycle.then(step, step);
    lifecycle = next.catch(() => undefined);
    return next;
  };
  // A test runner or CLI that exits without disposing must leave neither a server nor a temp dir
  // behind. Only synchronous work is possible in an 'exit' listener.
  const onProcessExit = (): void => {
    server?.killNow();
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Best effort: throwing here would replace the process's own exit code.
    }
  };
  process.on("exit", onProcessExit);

  const stopServer = async (): Promise<void> => {
    await server?.terminate(STOP_GRACE_MS);
    server = undefined;
  };
  const removeAll = async (): Promise<void> => {
    removed = true;
    await stopServer();
    process.off("exit", onProcessExit);
    await rm(dir, { recursive: true, force: true });
  };
  const assertLive = (): void => {
    if (removed) throw new Error(`fail2ban sandbox ${dir} has been disposed`);
  };
  const assertJail = (jail: string): void => {
    if (!jailNames.has(jail)) throw new Error(`fail2ban sandbox has no jail ${JSON.stringify(jail)}`);
  };

  try {
    await writeSandboxConfig(paths, jails, { dbpurgeage: opts.dbpurgeage ?? "1d", extraActions: opts.extraActions });
    server = await start();
  } catch (err) {
    await removeAll();
    throw err;
  }

  return {
    dir,
    socketPath: paths.socketPath,
    dbPath: paths.dbPath,
    pidFile: paths.pidFile,
    serverLog: paths.serverLog,
    jails,
    logFile(jail) {
      assertJail(jail);
      return paths.logFile(jail);
    },
    async appendLog(jail, lines) {
      assertJail(jail);
      if (lines.some((line) => /[\r\n]/.test(line))) throw new Error("appendLog: a line must not contain a newline");
      if (lines.length === 0) return;
      // One write per call, so the poller never sees half a batch.
      await appendFile(paths.logFile(jail), lines.map((line) => `${line}\n`).join(""));
    },
    stop: () => serialised(stopServer),
    restart: () =>
      serialised(async () => {
        assertLive();
        await stopServer();
        server = await start();
      }),
    kill: () =>
      serialised(async () => {
        await server?.kill();
        server = undefined;
      }),
    dispose() {
      disposal ??= serialised(removeAll);
      return disposal;
    },
  };
}
