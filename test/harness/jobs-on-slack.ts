import { join } from "node:path";
import { createSlackAdapter } from "../../src/adapters/slack/app.js";
import { buildCore, type Core } from "../../src/compose.js";
import { loadConfig } from "../../src/config.js";
import { buildScheduler } from "../../src/jobs/build.js";
import { FakeSlack } from "../fakes/fake-slack.js";
import { silentLog } from "./client.js";
import { migratedStore } from "./store.js";

/**
 * The jobs of `banbot start` on their real timers, with the config file `yaml`, posting through the
 * real bolt adapter to a fake Slack. `stop` stops and closes all of it, in reverse order.
 */
export async function startJobsOnSlack(
  { socketPath, dataDir }: { socketPath: string; dataDir: string },
  yaml: string,
): Promise<{ core: Core; slack: FakeSlack; stop: () => Promise<void> }> {
  const config = loadConfig({ BANBOT_FAIL2BAN_SOCKET: socketPath, BANBOT_DATA_DIR: dataDir }, yaml);
  const db = migratedStore(join(dataDir, "banbot.sqlite3"));
  const core = buildCore(config, db, silentLog);
  const slack = await FakeSlack.start();
  const adapter = createSlackAdapter({ slack: slack.slackConfig(), commands: config.commands, grants: config.access.grants, dispatcher: core.dispatcher, log: silentLog, host: "127.0.0.1" });
  await adapter.start();
  const scheduler = buildScheduler(config, core, [adapter], silentLog);
  scheduler.start();
  const stop = async (): Promise<void> => {
    await scheduler.stop();
    await adapter.stop();
    await slack.close();
    await core.close();
    db.close();
  };
  return { core, slack, stop };
}
