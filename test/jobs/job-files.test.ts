import { describe, expect, it } from "vitest";
import { stoppedThroughBanBot } from "../../src/core/alerts/health.js";
import type { HistoryEvent } from "../../src/core/history/event.js";
import { healthCheckJob } from "../../src/jobs/health-check.js";
import { spikeDetectionJob } from "../../src/jobs/spike-detection.js";
import { createAlertState } from "../../src/store/alert-state.js";
import { createAuditLog } from "../../src/store/audit-log.js";
import { migratedStore } from "../harness/store.js";

// What jobs/build.ts used to do inline, now each job's own file (and the domain rule core's).

describe("healthCheckJob", () => {
  it.each([
    [1_000, "*/1 * * * * *"],
    [30_000, "*/30 * * * * *"],
    [60_000, "0 * * * * *"],
  ])("runs every %d ms as %s", (intervalMs, schedule) => {
    const job = healthCheckJob({ fail2ban: { ping: () => Promise.resolve(), status: () => Promise.reject(new Error("unused")) }, state: createAlertState(migratedStore()), raise: () => {}, now: () => 0, host: "h", threshold: 3, timeoutMs: 1_000, intervalMs });
    expect([job.name, job.schedule]).toEqual(["health-check", schedule]);
  });
});

describe("stoppedThroughBanBot", () => {
  const audit = createAuditLog(migratedStore());
  const entry = { host: "h", platform: "slack" as const, userId: "U1", command: "stop", durationMs: 1 };
  audit.record({ ...entry, at: 10_000_000, commandLine: "stop alpha", outcome: "ok" });
  audit.record({ ...entry, at: 10_000_000, commandLine: "stop beta", outcome: "refused" });
  const expected = stoppedThroughBanBot(audit);

  it("expects a jail gone that a stop through BanBot ended in the five minutes before", () => {
    expect(expected("alpha", 10_000_000 + 4 * 60_000)).toBe(true);
    expect(expected("alpha", 10_000_000 + 6 * 60_000)).toBe(false);
  });

  it("does not count a refused stop, or another jail's", () => {
    expect(expected("beta", 10_000_000 + 60_000)).toBe(false);
    expect(expected("gamma", 10_000_000 + 60_000)).toBe(false);
  });
});

describe("spikeDetectionJob", () => {
  it("counts the capture's bans only while this process runs the jobs", () => {
    let listener: ((events: readonly HistoryEvent[], source: "action" | "backfill") => void) | undefined;
    let active = false;
    const raised: string[] = [];
    const job = spikeDetectionJob({
      windowMinutes: 5,
      minCount: 1,
      factor: 1,
      fail2ban: { status: () => Promise.reject(new Error("unused")), actions: () => Promise.reject(new Error("unused")), jailStatus: () => Promise.reject(new Error("unused")), bans: () => Promise.reject(new Error("unused")) },
      state: createAlertState(migratedStore()),
      raise: (a) => raised.push(a.incident),
      now: () => 1_000_000,
      host: "h",
      ownBans: () => [],
      history: { subscribe: (fn) => ((listener = fn), () => (listener = undefined)) },
      active: () => active,
    });
    expect([job.name, job.schedule]).toEqual(["spike-detection", "0 * * * * *"]);
    const unsubscribe = job.follow!();
    const ban = { host: "h", jail: "sshd", ip: "192.0.2.1", kind: "ban", at: 1_000_000, banTime: 1_000, origin: "fail2ban" } as HistoryEvent;
    listener!([ban], "action");
    expect(raised).toEqual([]);
    active = true;
    listener!([ban], "action");
    expect(raised).toHaveLength(1);
    unsubscribe();
    expect(listener).toBeUndefined();
  });
});
