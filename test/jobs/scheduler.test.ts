import { describe, expect, it } from "vitest";
import { InstanceLock } from "../../src/store/instance-lock.js";
import { Scheduler } from "../../src/jobs/scheduler.js";
import { silentLog } from "../harness/client.js";
import { migratedStore } from "../harness/store.js";

function setup(owner = "me") {
  const db = migratedStore();
  const lock = new InstanceLock(db, owner, 30_000);
  const scheduler = new Scheduler({ log: silentLog, lock, now: () => 1_000, heartbeatPattern: "0 0 1 1 *" });
  return { db, lock, scheduler };
}

describe("Scheduler", () => {
  it("runs jobs, counts failures and keeps the last error", async () => {
    const { scheduler } = setup();
    let calls = 0;
    scheduler.add({ name: "ok", schedule: "0 0 1 1 *", run: () => Promise.resolve(void calls++) });
    scheduler.add({ name: "bad", schedule: "0 0 1 1 *", run: () => Promise.reject(new Error("fail2ban down")) });
    scheduler.start();
    await scheduler.runNow("ok");
    await scheduler.runNow("bad");
    await scheduler.runNow("bad");
    expect(calls).toBe(1);
    expect(scheduler.jobStatus()).toEqual([
      { name: "ok", schedule: "0 0 1 1 *", runs: 1, failures: 0, lastRunAt: 1_000, running: false },
      { name: "bad", schedule: "0 0 1 1 *", runs: 2, failures: 2, lastRunAt: 1_000, lastError: "fail2ban down", running: false },
    ]);
    await scheduler.stop();
  });

  it("never runs a job twice at once, and stop waits for it", async () => {
    const { scheduler } = setup();
    let release!: () => void;
    let running = 0;
    let peak = 0;
    scheduler.add({
      name: "slow",
      schedule: "0 0 1 1 *",
      run: async () => {
        peak = Math.max(peak, ++running);
        await new Promise<void>((r) => (release = r));
        running--;
      },
    });
    scheduler.start();
    const first = scheduler.runNow("slow");
    await scheduler.runNow("slow");
    expect(peak).toBe(1);
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    release();
    await first;
    await stopping;
    expect(running).toBe(0);
  });

  it("runs nothing while another process holds the lock", async () => {
    const { db, scheduler } = setup("me");
    new InstanceLock(db, "other", 30_000).tryHold(900);
    let calls = 0;
    scheduler.add({ name: "job", schedule: "0 0 1 1 *", run: () => Promise.resolve(void calls++) });
    scheduler.start();
    expect(scheduler.active).toBe(false);
    await scheduler.runNow("job");
    expect(calls).toBe(0);
    await scheduler.stop();
  });
});
