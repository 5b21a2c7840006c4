import { Writable } from "node:stream";
import pino, { type Logger } from "pino";
import { afterEach } from "vitest";
import { SocketFail2ban } from "../../src/core/fail2ban/client.js";
import { Fail2banConnection } from "../../src/core/fail2ban/connection.js";

export const silentLog = pino({ level: "silent" });

/** A log entry as pino writes it. */
export type LogEntry = { level: number; msg: string } & Record<string, unknown>;

/** A real pino logger at `level` whose entries the test reads back, for asserting what is logged. */
export function capturedLog(level = "debug"): { log: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) entries.push(JSON.parse(line) as LogEntry);
      done();
    },
  });
  return { log: pino({ level }, sink), entries };
}

/** BanBot's real client on a socket; every connection opened in a test is closed after it. */
export function useClients(): (socketPath: string, timeoutMs?: number) => { fail2ban: SocketFail2ban; conn: Fail2banConnection } {
  const open: Fail2banConnection[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close().catch(() => undefined)));
  });
  return (socketPath, timeoutMs = 10_000) => {
    const conn = new Fail2banConnection({ socketPath, timeoutMs, log: silentLog });
    open.push(conn);
    return { fail2ban: new SocketFail2ban(conn, silentLog), conn };
  };
}
