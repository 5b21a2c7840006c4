import { createServer, type AddressInfo } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { useFail2ban } from "../harness/fail2ban.js";
import { spawnBanbot } from "../harness/spawn-banbot.js";
import { useTempDir } from "../harness/temp-dir.js";

// `banbot start` as a service runs it: a separate process, stopped with SIGTERM.
describe("banbot start", () => {
  const f2b = useFail2ban();
  const dataDir = useTempDir("bbs-");

  const start = (extraEnv: Record<string, string> = {}) =>
    spawnBanbot(["start"], { PATH: process.env.PATH, HOME: process.env.HOME, BANBOT_FAIL2BAN_SOCKET: f2b.sandbox.socketPath, BANBOT_DATA_DIR: dataDir.path, ...extraEnv });

  it("runs the jobs in one process per data dir, and shuts down cleanly on SIGTERM", { timeout: 60_000 }, async () => {
    const first = start();
    await vi.waitFor(() => expect(first.logs()).toContain("this BanBot runs the background jobs"), { timeout: 20_000, interval: 100 });
    const second = start();
    await vi.waitFor(() => expect(second.logs()).toContain("another BanBot process holds the job lock"), { timeout: 20_000, interval: 100 });
    expect(second.logs()).not.toContain("this BanBot runs the background jobs");

    second.child.kill("SIGTERM");
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(await second.exited).toBe(0);
    expect(first.logs()).toContain('"msg":"shutting down"');
  });

  it("serves /metrics as Prometheus text and /healthz, which turns unhealthy when fail2ban stops", { timeout: 60_000 }, async () => {
    const port = await freePort();
    const bot = start({ BANBOT_HTTP_PORT: String(port) });
    try {
      const base = `http://127.0.0.1:${port}`;
      const healthy = await vi.waitFor(async () => {
        const res = await fetch(`${base}/healthz`);
        expect(res.status).toBe(200);
        return (await res.json()) as { healthy: boolean; checks: Record<string, { ok: boolean; detail?: string }> };
      }, { timeout: 20_000, interval: 200 });
      // Judged by an answered ping, and saying so.
      expect(healthy.checks.fail2ban).toEqual({ ok: true, detail: expect.stringMatching(/^answered a ping in \d+ ms$/) });
      expect(healthy.checks.database?.ok).toBe(true);

      const metrics = await (await fetch(`${base}/metrics`)).text();
      for (const line of metrics.split("\n").filter(Boolean)) {
        expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|[a-zA-Z_:][\w:]*(\{[^}]*\})? -?(\d+(\.\d+)?(e[-+]?\d+)?|NaN|\+Inf))$/);
      }
      expect(metrics).toMatch(/^banbot_fail2ban_up 1$/m);
      expect(metrics).toMatch(/^banbot_fail2ban_banned\{jail="alpha"\} \d+$/m);
      expect(metrics).toMatch(/^banbot_alerts_pending \d+$/m);
      // The process itself, for watching memory and stalls in production.
      expect(metrics).toMatch(/^process_resident_memory_bytes \d+$/m);
      expect(metrics).toMatch(/^process_cpu_seconds_total [\d.e+-]+$/m);
      expect(metrics).toMatch(/^nodejs_eventloop_lag_seconds [\d.e+-]+$/m);
      expect(metrics).toMatch(/^# TYPE nodejs_gc_duration_seconds histogram$/m);
      // Round trips to fail2ban by command, without jail names: the scrape above asked `status <jail>`.
      const again = await (await fetch(`${base}/metrics`)).text();
      expect(again).toMatch(/^banbot_fail2ban_round_trip_seconds_count\{command="status",outcome="ok"\} [1-9]\d*$/m);
      expect(again).not.toMatch(/round_trip_seconds\w*\{[^}]*alpha/);

      await f2b.sandbox.stop();
      const down = await fetch(`${base}/healthz`);
      expect(down.status).toBe(503);
      const report = (await down.json()) as { checks: Record<string, { ok: boolean; detail?: string }> };
      expect(report.checks.fail2ban).toEqual({ ok: false, detail: expect.stringMatching(/socket was not found/) });
      expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/^banbot_fail2ban_up 0$/m);
    } finally {
      bot.child.kill("SIGTERM");
      expect(await bot.exited).toBe(0);
      await f2b.sandbox.restart();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
