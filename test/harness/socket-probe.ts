// Run as a separate process (possibly as another user) to see what BanBot's connection reports for a
// socket: prints {"ok":true} or {"code":…,"message":…} as one JSON line.
import pino from "pino";
import { isUserError } from "../../src/core/errors.js";
import { Fail2banConnection } from "../../src/core/fail2ban/connection.js";

const conn = new Fail2banConnection({ socketPath: process.argv[2] ?? "", timeoutMs: 2000, log: pino({ level: "silent" }) });
try {
  await conn.send(["ping"]);
  console.log(JSON.stringify({ ok: true }));
} catch (err) {
  console.log(JSON.stringify(isUserError(err) ? { code: err.code, message: err.message } : { error: String(err) }));
} finally {
  await conn.close();
}
