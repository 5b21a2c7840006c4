import { benchAlerts } from "./alerts.js";
import { benchBanned } from "./banned.js";
import { benchBlocklist } from "./blocklist.js";
import { benchCli } from "./cli.js";
import { benchDiscord } from "./discord.js";
import { benchFail2banClient } from "./fail2ban-client.js";
import { benchFleet } from "./fleet.js";
import { benchGeo } from "./geo.js";
import { benchHistory } from "./history.js";
import { benchSlack } from "./slack.js";
import { benchStartMemory } from "./start-memory.js";

// Every benchmark, in one process; each starts its own sandboxed fail2ban-server where it needs one.
// `npm run bench -- geo slack` runs only those.
const benches: Record<string, () => Promise<void>> = {
  "fail2ban-client": benchFail2banClient,
  banned: benchBanned,
  cli: benchCli,
  geo: benchGeo,
  history: benchHistory,
  "start-memory": benchStartMemory,
  blocklist: benchBlocklist,
  slack: benchSlack,
  discord: benchDiscord,
  alerts: benchAlerts,
  fleet: benchFleet,
};

const only = process.argv.slice(2);
for (const [name, bench] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue;
  await bench();
}
