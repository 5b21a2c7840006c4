import { startBenchCore } from "./bench-core.js";
import { createSlackAdapter } from "../src/adapters/slack/app.js";
import { buildScheduler } from "../src/jobs/build.js";
import { FakeSlack } from "../test/fakes/fake-slack.js";
import { median, ms, percentile, printTable } from "./report.js";

const BURSTS = 20;
const BAN_SIZES = [12, 50];
const CHANNEL = "C0ALERTS";
const YAML = `
alerts:
  routes:
    - kinds: [spike]
      slack_channel: ${CHANNEL}
  spike:
    window_minutes: 5
    min_count: 10
    factor: 4
`;

/**
 * Ban burst in fail2ban → spike alert at the (fake) Slack: for each burst, N addresses are banned in
 * a jail through BanBot's real client, then spike detection and the outbox delivery run back to back
 * (as the jobs would, without their schedule), with the real bolt adapter posting to the fake Slack.
 * Measured from the start of the ban to the moment the fake Slack recorded the chat.postMessage.
 */
export async function benchAlerts(): Promise<void> {
  const bench = await startBenchCore(YAML);
  const { config, core, log, db } = bench;
  const fake = await FakeSlack.start();
  const adapter = createSlackAdapter({ slack: fake.slackConfig(), commands: config.commands, grants: config.access.grants, dispatcher: core.dispatcher, log, host: "127.0.0.1" });
  const { services } = core;
  // The jobs of `banbot start`, run back to back by hand instead of on their schedules.
  const jobs = buildScheduler(config, core, [adapter], log);
  const detect = () => jobs.runNow("spike-detection");
  const deliver = () => jobs.runNow("alert-delivery");
  let block = 0;
  try {
    if (!jobs.claim()) throw new Error("could not take the job lock of a fresh data dir");
    await adapter.start();
    const burst = async (size: number) => {
      // A fresh spike state: the first run learns the jail's counter, so the burst opens an incident.
      db.prepare("DELETE FROM alert_state").run();
      await detect();
      const ips = Array.from({ length: size }, (_, i) => `10.${Math.floor(block / 200)}.${block % 200}.${i + 1}`);
      block++;
      const posts = fake.calls("chat.postMessage").length;
      const started = performance.now();
      await services.fail2ban.ban("alpha", ips);
      await detect();
      await deliver();
      const posted = fake.calls("chat.postMessage").slice(posts);
      if (posted.length !== 1 || !String(posted[0]!.args.text).includes("Ban spike in alpha")) {
        throw new Error(`burst of ${size}: expected one spike post, got ${JSON.stringify(posted.map((p) => p.args.text))}`);
      }
      return posted[0]!.at - started;
    };
    // Warm-up: connections and first-use compilation are not what is measured.
    await burst(BAN_SIZES[0]!);
    const rows: string[][] = [];
    for (const size of BAN_SIZES) {
      const samples: number[] = [];
      for (let i = 0; i < BURSTS; i++) samples.push(await burst(size));
      rows.push([`${size} bans`, ms(median(samples)), ms(percentile(samples, 95)), ms(Math.max(...samples))]);
    }
    printTable(
      `Ban burst in fail2ban → spike alert at the fake Slack, ${BURSTS} bursts per size, detection and delivery run back to back ` +
        `(processing delay only: in production the spike-detection job adds up to 1 minute of detection latency and alert-delivery up to 2 s)`,
      ["burst", "p50", "p95", "max"],
      rows,
    );
  } finally {
    await jobs.stop();
    await adapter.stop();
    await fake.close();
    await bench.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchAlerts();
