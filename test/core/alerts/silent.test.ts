import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import type { Alert } from "../../../src/core/alerts/alert.js";
import { checkSilentJails, type SilentDeps } from "../../../src/core/alerts/silent.js";
import { createAlertState } from "../../../src/store/alert-state.js";
import { FakeFail2ban } from "../../fakes/fake-fail2ban.js";
import { TestClock } from "../../harness/banbot.js";
import { migratedStore } from "../../harness/store.js";
import { useTempDir } from "../../harness/temp-dir.js";
import { TEST_JAILS } from "../../harness/test-jails.js";

const HOUR = 3_600_000;

// fail2ban's failure counters (the fake's) and real log files; hours pass on a test clock between checks.
describe("checkSilentJails", () => {
  const tmp = useTempDir("bb-silent-");
  let clock: TestClock;
  let fail2ban: FakeFail2ban;
  let alerts: Alert[];
  let deps: SilentDeps;
  let next = 1;
  const logFile = (jail: string) => join(tmp.path, `${jail}.log`);

  beforeEach(async () => {
    clock = new TestClock();
    for (const jail of TEST_JAILS) await writeFile(logFile(jail.name), "");
    fail2ban = new FakeFail2ban({ jails: TEST_JAILS.map((j) => ({ ...j, logpaths: [logFile(j.name)] })), now: () => clock.now() });
    alerts = [];
    deps = { fail2ban, state: createAlertState(migratedStore()), raise: (a) => alerts.push(a), now: () => clock.now(), host: "web1", afterMs: 2 * HOUR };
  });

  /** `n` failed logins in alpha, each from a new address (below maxretry: counted, not banned). */
  const failures = (n: number) => {
    for (let i = 0; i < n; i++) fail2ban.fail("alpha", `192.0.2.${next++ % 250}`);
  };
  const hour = async (n: number) => {
    failures(n);
    clock.advance(HOUR);
    await checkSilentJails(deps);
  };

  it("learns a jail's usual failures, alerts once when its counter stands still, and recovers when it moves", { timeout: 60_000 }, async () => {
    await checkSilentJails(deps);
    // About 20 failures an hour in alpha; beta never sees one.
    for (let i = 0; i < 3; i++) await hour(20);
    expect(alerts).toEqual([]);
    // A quiet hour is within the usual (shorter than `after`).
    await hour(0);
    expect(alerts).toEqual([]);
    await hour(0);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: "silent", jail: "alpha", step: "open", reply: { title: "Jail alpha on web1 has gone silent", tone: "warn" } });
    expect(alerts[0]!.reply.text).toMatch(/^fail2ban has counted no failure in it for 2h, where it usually counts about 19 an hour/);
    const field = (label: string) => alerts[0]!.reply.fields?.find((f) => f.label === label)?.value;
    expect(field("Watches")).toBe(logFile("alpha"));
    // fail2ban tells the backend over its socket from 1.1 on.
    expect(field("Backend")).toBe("unknown (fail2ban before 1.1 does not say)");
    // The silence goes on: nothing more, and a jail that never had failures is never silent.
    for (let i = 0; i < 24; i++) await hour(0);
    expect(alerts).toHaveLength(1);

    await hour(1);
    expect(alerts.map((a) => [a.step, a.jail])).toEqual([
      ["open", "alpha"],
      ["resolve", "alpha"],
    ]);
    expect(alerts[1]!.reply.title).toBe("Jail alpha on web1 sees failures again");
    expect(alerts[1]!.incident).toBe(alerts[0]!.incident);
  });

  it("alerts at once when a jail's log files no longer exist, and recovers when failures are counted again", { timeout: 60_000 }, async () => {
    await hour(20);
    const log = logFile("alpha");
    // logrotate moved the file away and nothing writes a new one.
    await rm(log);
    await hour(0);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.reply.fields?.find((f) => f.label === "Missing")?.value).toBe(log);
    expect(alerts[0]!.reply.text).toMatch(/watches log files that no longer exist/);
    await hour(0);
    expect(alerts).toHaveLength(1);

    // The log is back (a new file at the same path), and fail2ban counts failures in it again.
    await writeFile(log, "");
    await hour(1);
    expect(alerts.map((a) => a.step)).toEqual(["open", "resolve"]);
    expect(alerts.every((a) => a.jail === "alpha")).toBe(true);
  });
});
