import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

const READY_TIMEOUT_MS = 10_000;
const LISTENING = /Listening for client connections on [\d.]+:(\d+)/;
// Debian installs it in /usr/sbin, which a non-root user's PATH often lacks.
const NATS_SERVER = existsSync("/usr/sbin/nats-server") ? "/usr/sbin/nats-server" : "nats-server";

/** A real nats-server (Debian's package; docs/fleet.md for production) on 127.0.0.1. */
export interface NatsServer {
  /** nats://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** Everything it logged so far. */
  log(): string;
  /** SIGTERM, and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same JetStream store, as after an outage. */
  restart(): Promise<void>;
}

/**
 * Starts nats-server with `config` (a whole configuration file; default: no users, JetStream on,
 * its store in `dir`) listening on a free port on 127.0.0.1.
 */
export async function startNatsServer(opts: { dir: string; config?: string }): Promise<NatsServer> {
  const file = join(opts.dir, "nats-server.conf");
  // The configuration's own listen line may be a production's: the flags pin it to loopback and a free port.
  await writeFile(file, opts.config ?? `listen: "127.0.0.1:-1"\njetstream { store_dir: ${JSON.stringify(join(opts.dir, "js"))} }\n`);
  let log = "";
  let child: ChildProcess | undefined;
  let port = -1;
  const spawnServer = async (): Promise<void> => {
    const proc = spawn(NATS_SERVER, ["-c", file, "-a", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nats-server was not ready within ${READY_TIMEOUT_MS} ms:\n${log.slice(-2_000)}`)), READY_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        const listening = LISTENING.exec(log.slice(log.lastIndexOf("Starting nats-server")));
        if (listening && log.includes("Server is ready", log.lastIndexOf("Starting nats-server"))) {
          port = Number(listening[1]);
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout.on("data", onData);
      proc.stderr.on("data", onData);
      proc.once("error", (err) => {
        clearTimeout(timer);
        reject(new Error(`cannot run nats-server (is it installed? apt-get install nats-server): ${err.message}`));
      });
      proc.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`nats-server exited (${code}) before it was ready:\n${log.slice(-2_000)}`));
      });
    });
  };
  const stop = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
  await spawnServer();
  return {
    get url() {
      return `nats://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    log: () => log,
    stop,
    async restart() {
      await stop();
      await spawnServer();
    },
  };
}
