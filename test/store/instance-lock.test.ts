import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open.js";
import { InstanceLock } from "../../src/store/instance-lock.js";
import { migratedStore } from "../harness/store.js";

// Two processes on one data dir are two connections to one SQLite file.
describe("InstanceLock", () => {
  let dir = "";
  let a: Database;
  let b: Database;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "lock-"));
    a = migratedStore(join(dir, "banbot.sqlite3"));
    b = openDatabase(join(dir, "banbot.sqlite3"));
  });
  afterEach(async () => {
    a.close();
    b.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("lets one process hold the jobs and keeps the other out while it heartbeats", () => {
    const first = new InstanceLock(a, "host:1", 30_000);
    const second = new InstanceLock(b, "host:2", 30_000);
    expect(first.tryHold(1_000)).toBe(true);
    expect(second.tryHold(1_500)).toBe(false);
    expect(first.tryHold(20_000)).toBe(true);
    expect(second.tryHold(45_000)).toBe(false);
    expect(second.holder()).toEqual({ owner: "host:1", acquiredAt: 1_000, heartbeatAt: 20_000 });
  });

  it("hands over when the holder's heartbeat goes stale", () => {
    const first = new InstanceLock(a, "host:1", 30_000);
    const second = new InstanceLock(b, "host:2", 30_000);
    first.tryHold(0);
    expect(second.tryHold(30_001)).toBe(true);
    // The old holder finds out at its next heartbeat and stops running jobs.
    expect(first.tryHold(30_002)).toBe(false);
  });

  it("frees the lock on release", () => {
    const first = new InstanceLock(a, "host:1", 30_000);
    const second = new InstanceLock(b, "host:2", 30_000);
    first.tryHold(0);
    first.release();
    expect(second.tryHold(1)).toBe(true);
  });
});
