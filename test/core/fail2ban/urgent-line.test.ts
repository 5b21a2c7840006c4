import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useClients } from "../../harness/client.js";
import { useFail2ban } from "../../harness/fail2ban.js";
import { startSocketProxy } from "../../harness/socket-proxy.js";
import { useTempDir } from "../../harness/temp-dir.js";

// The urgent lane (health checks, alert jobs, /healthz) has a connection of its own: it never waits
// for a reply owed on the connection commands and bulk work share.
describe("Fail2banConnection's urgent lane, against a real server", () => {
  const f2b = useFail2ban();
  const tmp = useTempDir("bbu-");
  const connect = useClients();

  it("answers an urgent ping while a bulk request is still on the wire, when fail2ban is slow but alive", { timeout: 60_000 }, async () => {
    const ips = Array.from({ length: 3000 }, (_, i) => `198.18.${i >> 8}.${i & 255}`);
    const { fail2ban } = connect(f2b.sandbox.socketPath);
    expect(await fail2ban.ban("alpha", ips)).toBe(3000);
    // A slow link to fail2ban: replies trickle in, so the full ban list takes a while to arrive.
    const path = join(tmp.path, "slow.sock");
    const proxy = await startSocketProxy(path, f2b.sandbox.socketPath, { toClient: { pieceSize: 1024, pieceDelayMs: 5 } });
    try {
      const { conn } = connect(path, 30_000);
      const done: string[] = [];
      const listing = conn.send(["get", "alpha", "banip", "--with-time"], undefined, "bulk").then((reply) => {
        done.push("bulk listing");
        return reply;
      });
      // Sent once the listing is on its way back.
      await new Promise((r) => setTimeout(r, 100));
      const ping = conn.send(["ping"], undefined, "urgent").then(() => done.push("urgent ping"));
      await Promise.all([listing, ping]);
      expect(done).toEqual(["urgent ping", "bulk listing"]);
      // (0, [the 3000 bans]): the whole listing arrived all the same.
      expect(((await listing) as [number, unknown[]])[1]).toHaveLength(3000);
    } finally {
      await proxy.close();
      await fail2ban.unban("alpha", ips);
    }
  });
});
