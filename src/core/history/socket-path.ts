import { lstat, mkdir, unlink } from "node:fs/promises";
import net from "node:net";
import { dirname } from "node:path";
import { UserError } from "../errors.js";

// sockaddr_un.sun_path holds 108 bytes including the terminating NUL.
const MAX_SOCKET_PATH_BYTES = 107;
const PROBE_TIMEOUT_MS = 1_000;

/**
 * Makes `path` free for a new listening socket: refuses a path that is too long or holds something
 * other than a socket, and one another process still listens on; removes a stale socket.
 */
export async function claimSocketPath(path: string): Promise<void> {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new UserError("config_invalid", `history.socket: ${path} is longer than a Unix socket path may be (107 bytes); choose a shorter one.`);
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  let isSocket: boolean;
  try {
    isSocket = (await lstat(path)).isSocket();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  if (!isSocket) throw new UserError("config_invalid", `history.socket: ${path} exists and is not a socket; BanBot will not replace it.`);
  if (await isListening(path)) {
    throw new UserError("config_invalid", `history.socket: another process (a second BanBot?) already listens on ${path}.`);
  }
  await unlink(path);
}

/** Whether something accepts connections on the Unix socket at `path`. */
export function isListening(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createConnection(path);
    const done = (listening: boolean): void => {
      probe.destroy();
      resolve(listening);
    };
    probe.setTimeout(PROBE_TIMEOUT_MS, () => done(false));
    probe.once("connect", () => done(true));
    probe.once("error", () => done(false));
  });
}
