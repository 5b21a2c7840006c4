import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Sqlite, { type Database } from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failFastOnLocks } from "../../src/db/open.js";
import { useBanBot } from "../harness/banbot.js";
import { useClients } from "../harness/client.js";
import { startSocketProxy } from "../harness/socket-proxy.js";

// The store takes writes when a change command starts, and another process (an admin's sqlite3
// shell) locks it while the command runs: fail2ban has made the change, BanBot cannot record it.
// Whatever the reply says must be true. The real core on a store that fails fast on a foreign lock,
// as `banbot start` opens it, and a real fail2ban behind a proxy that times the lock.
describe("a change command during which another process locks the store", () => {
  const proxyPath = join(tmpdir(), `bb-midway-${randomBytes(4).toString("hex")}.sock`);
  const bb = useBanBot({ env: { BANBOT_FAIL2BAN_SOCKET: proxyPath } });
  const connect = useClients();
  let other: Database;
  let proxy: { close(): Promise<void> } | undefined;
  let lockAt: string | undefined;

  beforeAll(async () => {
    failFastOnLocks(bb.db);
    other = new Sqlite(join(bb.config.dataDir, "banbot.sqlite3"));
    proxy = await startSocketProxy(proxyPath, bb.sandbox.socketPath, {
      // The lock is taken as the request carrying `lockAt` goes to fail2ban.
      toServer: {
        onChunk: (chunk) => {
          if (lockAt === undefined || !chunk.includes(lockAt)) return;
          lockAt = undefined;
          other.exec("BEGIN IMMEDIATE");
        },
      },
    });
  });
  afterAll(async () => {
    if (other?.inTransaction) other.exec("ROLLBACK");
    other?.close();
    await proxy?.close();
  });

  it("a timed ban fail2ban made is not answered 'Not done': the reply says it may be done and is not recorded", async () => {
    lockAt = "banip";
    const reply = await bb.run("ban 192.0.2.91 alpha for 2h");
    expect(other.inTransaction).toBe(true);
    other.exec("COMMIT");

    // fail2ban did ban it (and will keep it for the jail's own ban time, not 2 h).
    expect(await connect(bb.sandbox.socketPath).fail2ban.bannedIps("alpha")).toContain("192.0.2.91");
    expect(reply.tone).toBe("error");
    expect(reply.title).not.toMatch(/not done/i);
    expect(reply.text).toMatch(/locked by another process/);
    expect(reply.text).toMatch(/may (already )?be done/);
  });
});
