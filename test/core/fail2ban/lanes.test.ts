import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isUserError } from "../../../src/core/errors.js";
import { useClients } from "../../harness/client.js";
import { useFail2ban } from "../../harness/fail2ban.js";
import { startSocketProxy } from "../../harness/socket-proxy.js";
import { useTempDir } from "../../harness/temp-dir.js";

// What waits for fail2ban, and how long: health checks before commands, commands before bulk work,
// and nobody waiting out a timeout while fail2ban is known to be down.
describe("Fail2banConnection lanes and outages, against a real server", () => {
  const f2b = useFail2ban();
  const tmp = useTempDir("bbl-");
  const connect = useClients();

  it("answers an urgent request before the interactive ones queued ahead of it", async () => {
    // Each request held back a little, so that the queue really fills up.
    const path = join(tmp.path, "slow.sock");
    const proxy = await startSocketProxy(path, f2b.sandbox.socketPath, { toClient: { delayMs: 20 } });
    try {
      const { conn } = connect(path);
      const done: string[] = [];
      const interactive = Array.from({ length: 20 }, (_, i) => conn.send(["echo", `n${i}`]).then(() => done.push(`n${i}`)));
      const urgent = conn.send(["echo", "health"], undefined, "urgent").then(() => done.push("health"));
      await Promise.all([...interactive, urgent]);
      // At most the request already on the wire goes first: health has a connection of its own.
      expect(done.indexOf("health")).toBeLessThanOrEqual(1);
      expect(done.filter((d) => d !== "health")).toEqual(Array.from({ length: 20 }, (_, i) => `n${i}`));
    } finally {
      await proxy.close();
    }
  });

  it("lets a command's requests go between the chunks of a bulk ban", async () => {
    const { fail2ban } = connect(f2b.sandbox.socketPath);
    const ips = Array.from({ length: 2000 }, (_, i) => `198.18.${i >> 8}.${i & 255}`);
    let chunks = 0;
    let during: number | undefined;
    let started: number | undefined;
    const command = async () => {
      // What `status` asks, request after request.
      started = chunks;
      await fail2ban.version();
      const { jails } = await fail2ban.status();
      for (let round = 0; round < 5; round++) for (const jail of jails) await fail2ban.jailStatus(jail, { short: true });
      during = chunks - started;
    };
    let running: Promise<void> | undefined;
    const total = await fail2ban.ban("alpha", ips, {
      chunkSize: 20,
      onProgress: () => {
        chunks++;
        if (chunks === 5) running = command();
      },
    });
    await running;
    expect(total).toBe(2000);
    // 12 requests, each waiting at most for the chunk already on the wire.
    expect(during).toBeLessThanOrEqual(1);
    expect(await fail2ban.unban("alpha", ips)).toBe(2000);
  });

  it("while fail2ban is down, fails every queued command at once; the first answer ends the outage", async () => {
    const { fail2ban, conn } = connect(f2b.sandbox.socketPath, 5_000);
    await fail2ban.ping();
    // A crash leaves the socket behind: connecting is refused, which a restart could also briefly cause.
    await f2b.sandbox.kill();
    const started = Date.now();
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => fail2ban.status()));
    const elapsed = Date.now() - started;
    expect(results.every((r) => r.status === "rejected" && isUserError(r.reason, "fail2ban_refused"))).toBe(true);
    // Not 50 × the 5 s timeout, nor even one of them.
    expect(elapsed).toBeLessThan(5_000);
    expect(conn.reachability()).toMatchObject({ up: false, cause: { code: "fail2ban_refused" } });

    await f2b.sandbox.restart();
    // No health check needed: the next command tries the socket and finds fail2ban back.
    expect((await fail2ban.status()).jails).toEqual(["alpha", "beta"]);
    expect(conn.reachability()).toEqual({ up: true });
  });

  it("once a health check finds fail2ban hung (accepting, not answering), commands fail at once; a slow command alone does not", async () => {
    const path = join(tmp.path, "hung.sock");
    // A server that takes connections and never replies: a hung fail2ban.
    const proxy = await startSocketProxy(path, f2b.sandbox.socketPath, { toServer: { delayMs: 60_000 } });
    try {
      const { fail2ban } = connect(path, 300);
      const timedOut = async (p: Promise<unknown>) => isUserError(await p.catch((e: unknown) => e), "fail2ban_timeout");
      // One command timing out may just have been slow: the next one still gets its chance.
      expect(await timedOut(fail2ban.ping())).toBe(true);
      let started = Date.now();
      expect(await timedOut(fail2ban.ping())).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      // A health check without an answer makes it known: commands then fail at once.
      started = Date.now();
      expect(await timedOut(fail2ban.inLane("urgent").ping())).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      started = Date.now();
      const again = await Promise.allSettled(Array.from({ length: 20 }, () => fail2ban.ping()));
      expect(again.every((r) => r.status === "rejected" && isUserError(r.reason, "fail2ban_timeout"))).toBe(true);
      expect(Date.now() - started).toBeLessThan(300);
      // The check itself is never refused by the outage it is there to measure.
      started = Date.now();
      expect(await timedOut(fail2ban.inLane("urgent").ping())).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    } finally {
      await proxy.close();
    }
  });
});
