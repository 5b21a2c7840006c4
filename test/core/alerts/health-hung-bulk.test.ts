import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Core } from "../../../src/compose.js";
import type { FakeSlack } from "../../fakes/fake-slack.js";
import { useFail2ban } from "../../harness/fail2ban.js";
import { startJobsOnSlack } from "../../harness/jobs-on-slack.js";
import { useTempDir } from "../../harness/temp-dir.js";

const CHANNEL = "C0ALERTS";
const FAILURES = 3;
const INTERVAL_S = 2;

// fail2ban freezes (SIGSTOP) in the middle of a large bulk ban, one of whose chunks is on the wire
// with a two-minute timeout: the health check, on its own connection, still finds out in time.
describe("the health alert while fail2ban hangs during bulk work", () => {
  const f2b = useFail2ban();
  const tmp = useTempDir("bb-hung-");
  let slack: FakeSlack;
  let core: Core;
  let stop: (() => Promise<void>) | undefined;
  let pid = 0;

  beforeAll(async () => {
    const yaml = `
alerts:
  routes:
    - kinds: [health]
      slack_channel: ${CHANNEL}
  health:
    failures: ${FAILURES}
    interval: ${INTERVAL_S}s
fail2ban:
  timeout: 1s
`;
    ({ core, slack, stop } = await startJobsOnSlack({ socketPath: f2b.sandbox.socketPath, dataDir: tmp.path }, yaml));
    pid = Number((await readFile(f2b.sandbox.pidFile, "utf8")).trim());
  });
  afterAll(async () => {
    // Never leave the sandbox frozen, whatever failed.
    if (pid > 0) process.kill(pid, "SIGCONT");
    await stop?.();
  });

  const titles = () =>
    slack
      .calls("chat.postMessage")
      .filter((r) => r.args.channel === CHANNEL)
      .map((r) => String(r.args.text).replace(/^[^\p{L}]+/u, ""));

  it("posts the outage within failures × interval (+ a few seconds), and the recovery after it thaws", { timeout: 90_000 }, async () => {
    const host = hostname();
    const ips = Array.from({ length: 20_000 }, (_, i) => `198.18.${i >> 8}.${i & 255}`);
    let frozenAt = 0;
    const bulk = core.services.fail2ban
      .ban("alpha", ips, {
        chunkSize: 200,
        onProgress: (done) => {
          // After a few chunks: the next one goes on the wire to a fail2ban that no longer runs.
          if (done === 1_000 && frozenAt === 0) {
            process.kill(pid, "SIGSTOP");
            frozenAt = Date.now();
          }
        },
      })
      .catch((err: unknown) => err);

    await vi.waitFor(() => expect(frozenAt).toBeGreaterThan(0), { timeout: 30_000, interval: 20 });
    await vi.waitFor(() => expect(titles()).toContain(`fail2ban is not answering on ${host}`), { timeout: 40_000, interval: 100 });
    expect(Date.now() - frozenAt).toBeLessThan(FAILURES * INTERVAL_S * 1000 + 5_000);

    process.kill(pid, "SIGCONT");
    await vi.waitFor(() => expect(titles()).toContain(`fail2ban is answering again on ${host}`), { timeout: INTERVAL_S * 1000 + 10_000, interval: 100 });
    expect(titles()).toEqual([`fail2ban is not answering on ${host}`, `fail2ban is answering again on ${host}`]);
    await bulk;
  });
});
