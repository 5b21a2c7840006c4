import { startBenchCore } from "./bench-core.js";
import { createSlackAdapter } from "../src/adapters/slack/app.js";
import { FAKE_TOKENS, FakeSlack } from "../test/fakes/fake-slack.js";
import { postSigned } from "../test/fakes/fake-slack-driver.js";
import { slashCommandFields } from "../test/fakes/fake-slack-payloads.js";
import { median, ms, percentile, printTable, verdict } from "./report.js";

const REQUESTS = 200;
const CONCURRENCY = 20;
const USERS = 20;

// Spread over several users so the per-user rate limit, not Slack handling, is what a real
// workspace would hit first; the limit is raised so that it does not interfere here either.
const YAML = `
commands:
  rate_limit:
    per_minute: 10000
access:
  grants:
    - role: viewer
      slack_users: [${Array.from({ length: USERS }, (_, i) => `U0BENCH${i}`).join(", ")}]
`;

/**
 * `/f2b status` through bolt's HTTP receiver, signed as Slack signs it, 20 in flight at a time,
 * against a real fail2ban-server: how fast Slack gets its acknowledgement (its limit is 3 s) and how
 * fast the reply reaches the response_url.
 */
export async function benchSlack(): Promise<void> {
  const bench = await startBenchCore(YAML);
  const { config, core, log } = bench;
  const fake = await FakeSlack.start();
  const adapter = createSlackAdapter({ slack: fake.slackConfig(), commands: config.commands, grants: config.access.grants, dispatcher: core.dispatcher, log, host: "127.0.0.1" });
  try {
    await adapter.start();
    const endpoint = `http://127.0.0.1:${adapter.port}/slack/events`;
    let acks: number[] = [];
    let replies: number[] = [];
    const one = async (i: number) => {
      const responseUrl = fake.responseUrl();
      const body = new URLSearchParams(slashCommandFields("status", { user: `U0BENCH${i % USERS}`, responseUrl })).toString();
      const replied = fake.nextRequest(new URL(responseUrl).pathname);
      const started = performance.now();
      const res = await postSigned(endpoint, body, { secret: FAKE_TOKENS.signingSecret });
      acks.push(performance.now() - started);
      if (res.status !== 200) throw new Error(`request ${i}: HTTP ${res.status}`);
      const reply = await replied;
      replies.push(reply.at - started);
      if (!JSON.stringify(reply.args).includes("is up on")) throw new Error(`request ${i}: unexpected reply ${JSON.stringify(reply.args).slice(0, 200)}`);
    };
    const round = async (count: number) => {
      let next = 0;
      const worker = async () => {
        while (next < count) await one(next++);
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    };
    // The first requests pay for connections and compiling bolt's code paths; not what is measured.
    await round(CONCURRENCY);
    acks = [];
    replies = [];
    const started = performance.now();
    await round(REQUESTS);
    const seconds = (performance.now() - started) / 1000;
    // Slack gives up on a command not acknowledged within 3 s: every one must be; a status should read as instant.
    const row = (what: string, samples: number[], target: string, met: boolean) => [what, ms(median(samples)), ms(percentile(samples, 99)), ms(Math.max(...samples)), target, verdict(met)];
    printTable(
      `Slack /f2b status over HTTP, ${REQUESTS} signed requests after ${CONCURRENCY} warm-up ones, ${CONCURRENCY} at a time (${(REQUESTS / seconds).toFixed(0)} per second)`,
      ["what", "p50", "p99", "max", "target", "verdict"],
      [
        row("acknowledgement", acks, "max < 3 s (Slack's limit)", Math.max(...acks) < 3_000),
        row("reply at the response_url", replies, "p99 < 1 s", percentile(replies, 99) < 1_000),
      ],
    );
  } finally {
    await adapter.stop();
    await fake.close();
    await bench.close();
  }
}
