import { benchAlerts } from "./alerts.js";
import { benchBanned } from "./banned.js";
import { benchBlocklist } from "./blocklist.js";
import { benchCli } from "./cli.js";
import { benchDiscord } from "./discord.js";
import { benchFail2banClient } from "./fail2ban-client.js";
import { benchFleet } from "./fleet.js";
import { benchGeo } from "./geo.js";
import { benchHistory } from "./history.js";
import { cpuCounters, machineSpeed, stealShare } from "./machine.js";
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

// Each bench's own time, and the total: `npm run bench` should stay within about ten minutes.
const only = process.argv.slice(2);
const unknown = only.filter((name) => !(name in benches));
if (unknown.length > 0) {
  console.error(`No bench named ${unknown.join(", ")}; the benches: ${Object.keys(benches).join(", ")}`);
  process.exit(2);
}
const took: [string, number][] = [];
const before = await machineSpeed();
const counters = cpuCounters();
for (const [name, bench] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue;
  const started = performance.now();
  await bench();
  took.push([name, performance.now() - started]);
}
const seconds = (v: number) => `${(v / 1000).toFixed(0)} s`;
const total = took.reduce((sum, [, v]) => sum + v, 0);
const target = only.length === 0 ? ` (target for all: about 10 minutes; ${total <= 660_000 ? "✔ met" : "✖ missed"})` : "";
console.log(`\nMachine speed before the benches: ${before}; after: ${await machineSpeed()}${stealShare(counters, cpuCounters())}`);
console.log(`Bench times: ${took.map(([name, v]) => `${name} ${seconds(v)}`).join(", ")}; total ${seconds(total)}${target}`);
