import type { Logger } from "pino";
import { SocketFail2ban } from "../core/fail2ban/client.js";
import { Fail2banConnection } from "../core/fail2ban/connection.js";
import { startAttackFeed } from "../demo/attack.js";
import { DEMO_JAILS } from "../demo/jails.js";
import { startFail2banSandbox } from "../sandbox/fail2ban-sandbox.js";

export interface DemoDeps {
  log: Logger;
  out: (line: string) => void;
  /** Resolves when the demo should end; defaults to SIGINT/SIGTERM. */
  until?: Promise<void>;
}

// A sandboxed, unprivileged fail2ban-server with realistic jails and a synthetic attack against it.
export async function runDemo({ log, out, until = interrupted() }: DemoDeps): Promise<number> {
  out("Starting a sandboxed fail2ban-server (unprivileged, no firewall changes)…");
  const sandbox = await startFail2banSandbox({ jails: DEMO_JAILS });
  const conn = new Fail2banConnection({ socketPath: sandbox.socketPath, timeoutMs: 10_000, log });
  const fail2ban = new SocketFail2ban(conn, log);
  const feed = startAttackFeed(sandbox, DEMO_JAILS);
  try {
    out(`fail2ban ${await fail2ban.version()} is up with jails ${(await fail2ban.status()).jails.join(", ")}.`);
    out(`Socket: ${sandbox.socketPath}. Synthetic attacks are being written to the jails' logs; Ctrl-C ends the demo.`);
    const seen = new Set<string>();
    let stop = false;
    void until.then(() => (stop = true));
    while (!stop) {
      for (const [jail, ips] of await fail2ban.banned()) {
        for (const ip of ips.filter((ip) => !seen.has(`${jail} ${ip}`))) {
          seen.add(`${jail} ${ip}`);
          out(`  banned ${ip} in ${jail}`);
        }
      }
      await Promise.race([until, new Promise((r) => setTimeout(r, 1000))]);
    }
    return 0;
  } finally {
    feed.stop();
    await conn.close();
    await sandbox.dispose();
    out("Sandbox stopped and removed.");
  }
}

function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}
