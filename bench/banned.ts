import { startBenchCore } from "./bench-core.js";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Fail2banConnection } from "../src/core/fail2ban/connection.js";
import { CONSOLE_IDENTITY } from "../src/core/identity.js";
import { median, ms, printTable, time } from "./report.js";

const BANS = 100_000;
const RUNS = 10;

// `banned <jail>` first page on a jail with 100,000 bans, next to the raw socket round trip it is
// built on (one `get <jail> banip --with-time` per page) and to fail2ban-client.
export async function benchBanned(): Promise<void> {
  const bench = await startBenchCore();
  const { sandbox, core, log } = bench;
  try {
    const { fail2ban } = core.services;
    const ips = Array.from({ length: BANS }, (_, i) => `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
    await fail2ban.ban("alpha", ips, { chunkSize: 5000 });
    const conn = new Fail2banConnection({ socketPath: sandbox.socketPath, timeoutMs: 60_000, log });
    const cli = () => promisify(execFile)("fail2ban-client", ["-s", sandbox.socketPath, "get", "alpha", "banip"], { maxBuffer: 256 << 20 });

    const sample = async (fn: () => Promise<unknown>) => {
      const runs: number[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await time(fn));
      return median(runs);
    };
    const page = await sample(async () => {
      const reply = await core.dispatcher.run("banned alpha", CONSOLE_IDENTITY);
      if (reply.table?.rows.length !== 15) throw new Error(`unexpected reply: ${reply.title}`);
    });
    const raw = await sample(() => conn.send(["get", "alpha", "banip"]));
    const rawTimes = await sample(() => conn.send(["get", "alpha", "banip", "--with-time"]));
    const spawned = await sample(cli);
    printTable(
      `banned <jail>, first page, ${BANS.toLocaleString("en")} bans in the jail, median of ${RUNS}`,
      ["what", "time", "vs raw get banip"],
      [
        ["BanBot `banned alpha` (page of 15, sorted, with times)", ms(page), `${(page / raw).toFixed(2)}×`],
        ["raw socket: get alpha banip --with-time (decoded)", ms(rawTimes), `${(rawTimes / raw).toFixed(2)}×`],
        ["raw socket: get alpha banip (decoded)", ms(raw), "1.00×"],
        ["fail2ban-client get alpha banip", ms(spawned), `${(spawned / raw).toFixed(2)}×`],
      ],
    );
    await conn.close();
  } finally {
    await bench.close();
  }
}
