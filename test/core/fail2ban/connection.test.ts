import { execFile } from "node:child_process";
import { chmod } from "node:fs/promises";
import net from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { isUserError } from "../../../src/core/errors.js";
import { Fail2banConnection, type RoundTripEvent } from "../../../src/core/fail2ban/connection.js";
import { silentLog, useClients } from "../../harness/client.js";
import { useFail2ban } from "../../harness/fail2ban.js";
import { startChunkingProxy } from "../../harness/socket-proxy.js";
import { useTempDir } from "../../harness/temp-dir.js";

const run = promisify(execFile);

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  return await p.then(
    () => new Error("expected a failure"),
    (e: unknown) => e,
  );
}

describe("Fail2banConnection against a real server", () => {
  const f2b = useFail2ban();
  const tmp = useTempDir("bbt-");
  const connect = useClients();

  it("reassembles replies that arrive in tiny pieces", async () => {
    const ips = Array.from({ length: 600 }, (_, i) => `198.18.${i >> 8}.${i & 255}`);
    await connect(f2b.sandbox.socketPath).fail2ban.ban("alpha", ips);
    const proxyPath = join(tmp.path, "proxy.sock");
    const proxy = await startChunkingProxy(proxyPath, f2b.sandbox.socketPath, 3);
    try {
      const { fail2ban } = connect(proxyPath);
      expect(new Set(await fail2ban.bannedIps("alpha"))).toEqual(new Set(ips));
      expect((await fail2ban.jailStatus("alpha")).currentlyBanned).toBe(600);
      expect((await fail2ban.jailSettings("alpha")).maxretry).toBe(3);
      await expect(fail2ban.jailStatus("nosuch")).rejects.toThrow("fail2ban has no jail named nosuch.");
      expect(await fail2ban.unban("alpha", ips)).toBe(600);
    } finally {
      await proxy.close();
    }
  });

  it("answers concurrent commands on one connection in order", async () => {
    const { conn } = connect(f2b.sandbox.socketPath);
    const replies = await Promise.all(Array.from({ length: 100 }, (_, i) => conn.send(["echo", `n${i}`])));
    expect(replies).toEqual(Array.from({ length: 100 }, (_, i) => [0, [`n${i}`]]));
  });

  it("connects many clients at once despite fail2ban's listen backlog of one", async () => {
    const clients = Array.from({ length: 30 }, () => connect(f2b.sandbox.socketPath).fail2ban);
    await expect(Promise.all(clients.map((c) => c.ping()))).resolves.toHaveLength(30);
  });

  it("refuses an argument containing the end marker and stays usable", async () => {
    const { conn, fail2ban } = connect(f2b.sandbox.socketPath);
    const err = await errorOf(conn.send(["echo", "a<F2B_END_COMMAND>b"]));
    expect(isUserError(err, "invalid_argument")).toBe(true);
    await fail2ban.ping();
  });

  it("round-trips unicode", async () => {
    const { conn } = connect(f2b.sandbox.socketPath);
    expect(await conn.send(["echo", "héllo ✓ 🚫"])).toEqual([0, ["héllo ✓ 🚫"]]);
  });

  it("tells its observer about every round trip by command, without jail names or addresses", async () => {
    const events: RoundTripEvent[] = [];
    const conn = new Fail2banConnection({ socketPath: f2b.sandbox.socketPath, timeoutMs: 5000, log: silentLog, observe: (e) => events.push(e) });
    try {
      await conn.send(["set", "alpha", "banip", "192.0.2.90"]);
      await conn.send(["get", "alpha", "banip", "--with-time"]);
      await conn.send(["get", "dbpurgeage"]);
      await conn.send(["status", "nosuch"]);
      await conn.send(["set", "alpha", "unbanip", "192.0.2.90"]);
    } finally {
      await conn.close();
    }
    expect(events.map((e) => [e.command, e.outcome])).toEqual([
      ["set banip", "ok"],
      ["get banip --with-time", "ok"],
      ["get dbpurgeage", "ok"],
      // fail2ban answered, with an error: the round trip itself worked.
      ["status", "ok"],
      ["set unbanip", "ok"],
    ]);
    for (const e of events) expect(e.seconds).toBeGreaterThan(0);
  });

  it("reports a crashed server's stale socket, then carries on after it restarts", async () => {
    const { fail2ban } = connect(f2b.sandbox.socketPath, 1500);
    await fail2ban.ping();
    await f2b.sandbox.kill();
    const err = await errorOf(fail2ban.ping());
    expect(isUserError(err, "fail2ban_refused")).toBe(true);
    expect((err as Error).message).not.toContain(f2b.sandbox.dir);
    await f2b.sandbox.restart();
    await fail2ban.ping();
    // A clean restart closes the kept-alive connection under the client's feet.
    await f2b.sandbox.restart();
    expect((await fail2ban.status()).jails).toEqual(["alpha", "beta"]);
  });
});

describe("Fail2banConnection without a usable server", () => {
  const tmp = useTempDir("bbt-");
  const connect = useClients();

  it("says the socket is missing", async () => {
    const err = await errorOf(connect(join(tmp.path, "none.sock")).fail2ban.ping());
    expect(isUserError(err, "fail2ban_socket_missing")).toBe(true);
    expect((err as Error).message).toMatch(/BANBOT_FAIL2BAN_SOCKET/);
  });

  it("observes a round trip that got no reply as failed", async () => {
    const events: RoundTripEvent[] = [];
    const conn = new Fail2banConnection({ socketPath: join(tmp.path, "none.sock"), timeoutMs: 500, log: silentLog, observe: (e) => events.push(e) });
    await errorOf(conn.send(["ping"]));
    await conn.close();
    expect(events).toEqual([{ command: "ping", seconds: expect.any(Number), outcome: "failed" }]);
  });

  it("times out on a server that never answers, and reconnects for the next command", async () => {
    const path = join(tmp.path, "mute.sock");
    let connections = 0;
    const mute = net.createServer((s) => {
      connections++;
      s.on("error", () => undefined);
    });
    await new Promise<void>((r) => mute.listen(path, r));
    try {
      const { fail2ban } = connect(path, 300);
      const started = Date.now();
      const err = await errorOf(fail2ban.ping());
      expect(isUserError(err, "fail2ban_timeout")).toBe(true);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(isUserError(await errorOf(fail2ban.ping()), "fail2ban_timeout")).toBe(true);
      expect(connections).toBe(2);
    } finally {
      mute.close();
    }
  });

  it("says permission was denied on a socket it may not use", async () => {
    const dir = join(tmp.path, "private");
    const path = join(dir, "f2b.sock");
    await import("node:fs/promises").then((fs) => fs.mkdir(dir));
    const server = net.createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(path, r));
    try {
      await chmod(path, 0o600);
      await chmod(dir, 0o755);
      // As root the kernel ignores socket permissions, so the probe runs as an unprivileged user.
      const asOther = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      const probe = join(import.meta.dirname, "../../harness/socket-probe.ts");
      const { stdout } = await run(process.execPath, ["--import", "tsx", probe, path], {
        ...asOther,
        cwd: join(import.meta.dirname, "../../.."),
        env: { ...process.env, HOME: tmp.path },
      });
      const result = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as { code?: string; message?: string };
      expect(result.code).toBe("fail2ban_permission_denied");
      expect(result.message).toMatch(/run BanBot as the user that owns it/);
    } finally {
      server.close();
    }
  });
});
