import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Core } from "../../../src/compose.js";
import { CONSOLE_IDENTITY } from "../../../src/core/identity.js";
import type { Reply } from "../../../src/core/reply.js";
import type { FakeSlack } from "../../fakes/fake-slack.js";
import { useFail2ban } from "../../harness/fail2ban.js";
import { startJobsOnSlack } from "../../harness/jobs-on-slack.js";
import { useTempDir } from "../../harness/temp-dir.js";

const CHANNEL = "C0ALERTS";
const FAILURES = 3;
const INTERVAL_S = 2;

// The jobs of `banbot start` on their real timers (the health check every 2 s instead of 30 s), the
// real bolt adapter posting to a fake Slack, and a real fail2ban-server that dies while users wait.
describe("the health alert while fail2ban dies under a queue of commands", () => {
  const f2b = useFail2ban();
  const tmp = useTempDir("bb-outage-");
  let slack: FakeSlack;
  let core: Core;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const yaml = `
alerts:
  routes:
    - kinds: [health]
      slack_channel: ${CHANNEL}
  health:
    failures: ${FAILURES}
    interval: ${INTERVAL_S}s
`;
    ({ core, slack, stop } = await startJobsOnSlack({ socketPath: f2b.sandbox.socketPath, dataDir: tmp.path }, yaml));
  });
  afterAll(async () => {
    await stop?.();
  });

  const posts = () => slack.calls("chat.postMessage").filter((r) => r.args.channel === CHANNEL);
  const titles = () => posts().map((r) => String(r.args.text).replace(/^[^\p{L}]+/u, ""));

  it("posts one alert within failures × interval (+ a few seconds) with 100 commands in flight, and one recovery", { timeout: 60_000 }, async () => {
    const host = hostname();
    // fail2ban hangs (SIGSTOP) so that a hundred `status` commands pile up behind the one on the wire…
    const pid = Number((await readFile(f2b.sandbox.pidFile, "utf8")).trim());
    process.kill(pid, "SIGSTOP");
    const replies: Promise<Reply>[] = Array.from({ length: 100 }, () => core.dispatcher.run("status", CONSOLE_IDENTITY));
    await new Promise((r) => setTimeout(r, 200));
    // …then dies, leaving its socket behind.
    await f2b.sandbox.kill();
    const killedAt = Date.now();

    const answered = await Promise.all(replies);
    expect(answered.every((r) => r.title === `fail2ban is not answering on ${host}` && /refused the connection|connection to fail2ban was lost/.test(r.text ?? ""))).toBe(true);

    await vi.waitFor(() => expect(titles()).toContain(`fail2ban is not answering on ${host}`), { timeout: 30_000, interval: 100 });
    const alertedAfter = Date.now() - killedAt;
    expect(alertedAfter).toBeLessThan(FAILURES * INTERVAL_S * 1000 + 5_000);

    // Meanwhile commands still answer at once, with the outage.
    const during = await core.dispatcher.run("status", CONSOLE_IDENTITY);
    expect(during.text).toMatch(/refused the connection/);

    await f2b.sandbox.restart();
    await vi.waitFor(() => expect(titles()).toContain(`fail2ban is answering again on ${host}`), { timeout: INTERVAL_S * 1000 + 10_000, interval: 100 });
    // A few more checks: nothing else is said.
    await new Promise((r) => setTimeout(r, 2 * INTERVAL_S * 1000));
    expect(titles()).toEqual([`fail2ban is not answering on ${host}`, `fail2ban is answering again on ${host}`]);
    expect((await core.dispatcher.run("status", CONSOLE_IDENTITY)).title).toMatch(/^fail2ban \S+ is up/);
  });
});
