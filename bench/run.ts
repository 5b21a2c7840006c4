import { benchBanned } from "./banned.js";
import { benchFail2banClient } from "./fail2ban-client.js";

// Every benchmark, in one process; each starts its own sandboxed fail2ban-server.
const benches: Record<string, () => Promise<void>> = {
  "fail2ban-client": benchFail2banClient,
  banned: benchBanned,
};

const only = process.argv.slice(2);
for (const [name, bench] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue;
  await bench();
}
