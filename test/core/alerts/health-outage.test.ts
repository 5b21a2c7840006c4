import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSlackAdapter } from "../../../src/adapters/slack/app.js";
import { buildCore, type Core } from "../../../src/compose.js";
import { loadConfig, type Config } from "../../../src/config.js";
import type { ChatAdapter } from "../../../src/core/chat.js";
import { CONSOLE_IDENTITY } from "../../../src/core/identity.js";
import type { Reply } from "../../../src/core/reply.js";
import { buildScheduler } from "../../../src/jobs/build.js";
import type { Scheduler } from "../../../src/jobs/scheduler.js";
import { FakeSlack } from "../../fakes/fake-slack.js";
import { silentLog } from "../../harness/client.js";
import { useFail2ban } from "../../harness/fail2ban.js";
import { migratedStore } from "../../harness/store.js";
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
  let adapter: ChatAdapter;
  let scheduler: Scheduler;
  let config: Config;

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
    config = loadConfig({ BANBOT_FAIL2BAN_SOCKET: f2b.sandbox.socketPath, BANBOT_DATA_DIR: tmp.path }, yaml);
    const db = migratedStore(join(tmp.path, "banbot.sqlite3"));
    core = buildCore(config, db, silentLog);
    slack = await FakeSlack.start();
    adapter = createSlackAdapter({ slack: slack.slackConfig(), commands: config.commands, grants: config.access.grants, dispatcher: core.dispatcher, log: silentLog, host: "127.0.0.1" });
    await adapter.start();
    scheduler = buildScheduler(config, core, [adapter], silentLog);
    scheduler.start();
  });
  afterAll(async () => {
    await scheduler?.stop();
    await adapter?.stop();
    await slack?.close();
    await core?.close();
    core?.db.close();
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
