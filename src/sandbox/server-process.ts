import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { open, stat } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";

export interface ServerProcess {
  /** Resolves once the process has exited, however that happened. */
  readonly exited: Promise<void>;
  /** SIGTERM (fail2ban shuts down cleanly), escalating to SIGKILL after `graceMs`. */
  terminate(graceMs: number): Promise<void>;
  /** SIGKILL, for simulating a crash: the socket and pidfile stay behind. */
  kill(): Promise<void>;
  /** Synchronous SIGKILL for `process.on("exit")`, where nothing can be awaited. */
  killNow(): void;
}

export interface SpawnServerOptions {
  serverBin: string;
  confDir: string;
  serverLog: string;
  readyTimeoutMs: number;
}

const READY_MARKER = "Server ready";
// Logged by fail2ban's in-process client for every command of the config stream that failed.
const STREAM_FAILURE = /\bNOK: /;
// After a failed config stream the server prints "Server ready" anyway and exits 255 ~0.3 s later.
const FAILED_EXIT_GRACE_MS = 5_000;
const TAIL_CHARS = 4_000;
const TAIL_LINES = 12;
// fail2ban logs the whole config stream in one ERROR line; keep error messages readable.
const MAX_LINE_CHARS = 300;
const LOG_ERROR = /\b(?:ERROR|CRITICAL)\b/;

/** Spawns `fail2ban-server` in the foreground and resolves once its config has been applied. */
export async function spawnServer(opts: SpawnServerOptions): Promise<ServerProcess> {
  // The log is appended across restarts; only what this run writes is relevant to its failure.
  const logOffset = await fileSize(opts.serverLog);
  // -f: the child is the server itself; -x: remove a stale socket left by a crash.
  const child = spawn(opts.serverBin, ["-f", "-x", "-c", opts.confDir], { stdio: ["ignore", "pipe", "pipe"] });
  const stdout = captureTail(child.stdout);
  const stderr = captureTail(child.stderr);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // 'close' comes after 'exit' once the pipes are drained: wait for it before quoting stderr.
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  // A persistent listener: an unhandled 'error' (spawn failure, failed kill) would crash the host.
  const spawnError = new Promise<Error>((resolve) => child.on("error", resolve));

  const describe = async (reason: string): Promise<Error> => {
    await Promise.race([closed, delay(1_000, undefined, { ref: false })]);
    const log = await readFrom(opts.serverLog, logOffset);
    return new Error(
      `fail2ban-server (${opts.serverBin}) ${reason}` +
        section("errors in the fail2ban log", log.split("\n").filter((l) => LOG_ERROR.test(l))) +
        section("fail2ban log (last lines)", log.split("\n").slice(-TAIL_LINES)) +
        section("stderr (last lines)", stderr.text().split("\n").slice(-TAIL_LINES)),
    );
  };

  const ready = new Promise<void>((resolve) => {
    const onData = (): void => {
      if (stdout.text().includes(READY_MARKER)) {
        child.stdout?.off("data", onData);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
  });
  const timeout = new AbortController();
  const outcome = await Promise.race([
    ready.then(() => "ready" as const),
    exited.then(() => "exited" as const),
    spawnError,
    delay(opts.readyTimeoutMs, "timeout" as const, { signal: timeout.signal }),
  ]);
  timeout.abort();

  if (outcome instanceof Error) {
    throw new Error(`cannot run fail2ban-server (${opts.serverBin}): ${outcome.message}`, { cause: outcome });
  }
  if (outcome === "exited") {
    throw await describe(`exited before it was ready (code ${exitDescription(child)})`);
  }
  if (outcome === "timeout") {
    await forceKill(child, exited);
    throw await describe(`was not ready within ${opts.readyTimeoutMs} ms and was killed`);
  }
  // "Server ready" is printed even when the config stream failed, so check for failures too.
  const log = await readFrom(opts.serverLog, logOffset);
  if (STREAM_FAILURE.test(log) || STREAM_FAILURE.test(stderr.text())) {
    const gaveUp = await Promise.race([exited.then(() => false), delay(FAILED_EXIT_GRACE_MS, true, { ref: false })]);
    if (gaveUp) await forceKill(child, exited);
    throw await describe(`rejected its configuration (code ${exitDescription(child)})`);
  }
  return serverProcess(child, exited);
}

function serverProcess(child: ChildProcess, exited: Promise<void>): ServerProcess {
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  return {
    exited,
    async terminate(graceMs) {
      if (!running()) return;
      child.kill("SIGTERM");
      const timer = new AbortController();
      const timedOut = await Promise.race([
        exited.then(() => false),
        delay(graceMs, true, { signal: timer.signal }),
      ]);
      timer.abort();
      if (timedOut) await forceKill(child, exited);
    },
    async kill() {
      await forceKill(child, exited);
    },
    killNow() {
      if (running()) child.kill("SIGKILL");
    },
  };
}

async function forceKill(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await exited;
}

function exitDescription(child: ChildProcess): string {
  return child.signalCode ?? String(child.exitCode);
}

// Keeps draining the pipe for the whole life of the server (a full pipe would block it) while
// remembering only the end, which is what error messages need.
function captureTail(stream: NodeJS.ReadableStream | null): { text(): string } {
  let text = "";
  stream?.setEncoding("utf8");
  stream?.on("data", (chunk: string) => {
    text = tail(text + chunk);
  });
  return { text: () => text };
}

function section(title: string, lines: readonly string[]): string {
  const kept = lines.filter((l) => l.trim() !== "").map((l) => (l.length > MAX_LINE_CHARS ? `${l.slice(0, MAX_LINE_CHARS)}…` : l));
  return kept.length === 0 ? "" : `\n--- ${title} ---\n${kept.join("\n")}`;
}

function tail(text: string): string {
  return text.length > TAIL_CHARS ? text.slice(-TAIL_CHARS) : text;
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if (isErrnoException(err) && err.code === "ENOENT") return 0;
    throw err;
  }
}

/** Reads a text file from a byte offset; a file that does not exist yet reads as empty. */
export async function readFrom(path: string, offset: number): Promise<string> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (err) {
    if (isErrnoException(err) && err.code === "ENOENT") return "";
    throw err;
  }
  try {
    const size = (await handle.stat()).size;
    const buffer = Buffer.alloc(Math.max(0, size - offset));
    await handle.read(buffer, 0, buffer.length, offset);
    return buffer.toString("utf8");
  } finally {
    await handle.close();
  }
}

function isErrnoException(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && "code" in err;
}
