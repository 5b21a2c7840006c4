import { rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ConsoleChat } from "../../src/adapters/console/chat.js";
import { buildCore, type Core } from "../../src/compose.js";
import { loadConfig } from "../../src/config.js";
import type { Reply } from "../../src/core/reply.js";
import { demoConfig } from "../../src/demo/config.js";
import { buildScheduler } from "../../src/jobs/build.js";
import type { Scheduler } from "../../src/jobs/scheduler.js";
import { silentLog, useClients } from "../harness/client.js";
import { useFail2ban } from "../harness/fail2ban.js";
import { migratedStore } from "../harness/store.js";
import { useTempDir } from "../harness/temp-dir.js";

// The `silent-jails` job as `banbot start` schedules it: the detector on the urgent fail2ban client,
// the alert through the router, the outbox and the delivery job to where alerts go (the console,
// as in the demo). Run by hand: the lock is held, no timers run.
describe("the silent-jails job", () => {
  const f2b = useFail2ban();
  const tmp = useTempDir("bb-silent-");
  const connect = useClients();
  const shown: Reply[] = [];
  let core: Core;
  let scheduler: Scheduler;

  beforeAll(() => {
    const config = demoConfig(loadConfig({ BANBOT_DATA_DIR: tmp.path }, undefined), f2b.sandbox, tmp.path);
    core = buildCore(config, migratedStore(join(tmp.path, "banbot.sqlite3")), silentLog);
    const consoleChat = new ConsoleChat();
    consoleChat.attach((reply) => shown.push(reply));
    scheduler = buildScheduler(config, core, [consoleChat], silentLog);
    expect(scheduler.claim()).toBe(true);
  });
  afterAll(async () => {
    await scheduler?.stop();
    await core?.close();
    core?.db.close();
  });

  const titles = () => shown.map((r) => r.title);

  it("alerts when a jail's log file is gone, and says only that the files are back when they return before any failure", { timeout: 60_000 }, async () => {
    const host = hostname();
    const fail2ban = connect(f2b.sandbox.socketPath).fail2ban;
    // alpha has counted failures (below maxretry: nobody is banned); beta never has.
    await f2b.sandbox.appendLog("alpha", ["FAIL login from 192.0.2.1", "FAIL login from 192.0.2.2"]);
    await vi.waitFor(async () => expect((await fail2ban.jailStatus("alpha", { short: true })).totalFailed).toBe(2), { timeout: 10_000, interval: 50 });
    await scheduler.runNow("silent-jails");
    expect(titles()).toEqual([]);

    const log = f2b.sandbox.logFile("alpha");
    await rm(log);
    await scheduler.runNow("silent-jails");
    await vi.waitFor(() => expect(titles()).toEqual([`Jail alpha on ${host} has gone silent`]));
    expect(shown[0]!.fields?.find((f) => f.label === "Missing")?.value).toBe(log);

    // The file is back (logrotate made a new one), and nothing has been written to it yet.
    await writeFile(log, "");
    await scheduler.runNow("silent-jails");
    await vi.waitFor(() => expect(titles()).toHaveLength(2));
    expect(shown[1]).toMatchObject({ title: `Follow-up: Jail alpha on ${host} has its log files back`, tone: "ok" });
    expect(shown[1]!.text).toMatch(/^The files it watches exist again \(they were missing for .+\)\. No failure has been counted in it since/);
    expect(titles().join("\n")).not.toMatch(/sees failures again/);
    expect(core.services.jobs.list().find((r) => r.name === "silent-jails")).toMatchObject({ ok: true, runs: 3, failures: 0 });
  });
});
