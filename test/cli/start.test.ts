import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { useFail2ban } from "../harness/fail2ban.js";

const ROOT = join(import.meta.dirname, "../..");

// `banbot start` as a service runs it: a separate process, stopped with SIGTERM.
describe("banbot start", () => {
  const f2b = useFail2ban();
  let dataDir = "";
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "bbs-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  function start(): { child: ChildProcess; logs: () => string; exited: Promise<number | null> } {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, BANBOT_FAIL2BAN_SOCKET: f2b.sandbox.socketPath, BANBOT_DATA_DIR: dataDir };
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli.ts"), "start"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let logs = "";
    child.stderr?.on("data", (d: Buffer) => (logs += d.toString()));
    child.stdout?.on("data", () => undefined);
    return { child, logs: () => logs, exited: new Promise((resolve) => child.on("exit", (code) => resolve(code))) };
  }

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
});
