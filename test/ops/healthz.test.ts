import net from "node:net";
import { join } from "node:path";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { healthCheck } from "../../src/ops/health.js";
import { startOpsServer } from "../../src/ops/server.js";
import { silentLog, useClients } from "../harness/client.js";
import { migratedStore } from "../harness/store.js";
import { useTempDir } from "../harness/temp-dir.js";

// With socket activation (fail2ban 1.1.1 and later) systemd holds fail2ban's socket: connections
// are taken whether or not fail2ban runs. /healthz must judge by an answered ping, and answer.
describe("/healthz on a socket that accepts connections but never answers", () => {
  const tmp = useTempDir("bbhz-");
  const connect = useClients();

  it("answers 503 in bounded time and says that nothing answered the ping", { timeout: 20_000 }, async () => {
    const path = join(tmp.path, "activated.sock");
    const held = net.createServer((s) => s.on("error", () => undefined));
    await new Promise<void>((r) => held.listen(path, r));
    const db = migratedStore();
    // The client's own timeout is far longer than the probe's: the probe must bound the wait itself.
    const health = healthCheck({ fail2ban: connect(path, 60_000).fail2ban, db, adapters: () => ({}), scheduler: { active: true, jobStatus: () => [] } });
    const server = await startOpsServer({ port: 0, host: "127.0.0.1", registry: new Registry(), health, log: silentLog });
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/healthz`, { signal: AbortSignal.timeout(15_000) });
      expect(res.status).toBe(503);
      const report = (await res.json()) as { healthy: boolean; checks: Record<string, { ok: boolean; detail?: string }> };
      expect(report.healthy).toBe(false);
      expect(report.checks.fail2ban).toEqual({
        ok: false,
        detail:
          "The socket accepts connections, but nothing answered a ping within 2s: fail2ban is hung, or the socket is systemd's (socket activation, fail2ban 1.1.1 and later) and fail2ban did not start. Check `systemctl status fail2ban` and fail2ban's log.",
      });
      expect(report.checks.database).toEqual({ ok: true });
    } finally {
      await server.close();
      held.close();
      db.close();
    }
  });
});
