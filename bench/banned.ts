import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Fail2banConnection } from "../src/core/fail2ban/connection.js";
import { CONSOLE_IDENTITY } from "../src/core/identity.js";
import type { Reply } from "../src/core/reply.js";
import { buildCore } from "../src/compose.js";
import { migratedStore } from "../test/harness/store.js";
import { startBenchCore } from "./bench-core.js";
import { interleaved, median, ms, printTable, time, until, verdict } from "./report.js";

const BANS = 100_000;
const RUNS = 10;
const UNBAN = 400;
const UNBAN_RUNS = 3;

// `banned <jail>` in a running BanBot (the dispatcher every chat adapter calls, the capture running as
// in production) on a jail with 100,000 bans, next to the raw socket round trip a page cannot do
// without (`get <jail> banip`: membership and order); then `unban` of 400 of those addresses in every
// jail. fail2ban-client and the whole list with times are shown for scale.
export async function benchBanned(): Promise<void> {
  const bench = await startBenchCore(undefined, { capture: true });
  const { sandbox, core, log, config } = bench;
  const conn = new Fail2banConnection({ socketPath: sandbox.socketPath, timeoutMs: 60_000, log });
  // A second BanBot on the same fail2ban without the capture: every row's times from fail2ban's database.
  const bareDb = migratedStore();
  const bare = buildCore(config, bareDb, log);
  try {
    const { fail2ban, history } = core.services;
    const ips = Array.from({ length: BANS }, (_, i) => `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
    await fail2ban.ban("alpha", ips, { chunkSize: 5000 });
    // The action's queue holds 10,000 events: what a busy machine makes it drop, the history-sync job
    // reads from fail2ban's database, as in production (docs/history.md).
    const archived = () => history.count({ jail: "alpha" }, BANS) >= BANS;
    await until(
      async () => {
        if (!archived()) await history.sync(fail2ban);
        return archived();
      },
      { what: "the capture and the sync to archive every ban", timeoutMs: 300_000 },
    );

    const page = (run: (line: string) => Promise<Reply>, line: string) => async () => {
      const reply = await run(line);
      if (reply.table?.rows.length !== 15) throw new Error(`unexpected reply to ${line}: ${reply.title}`);
    };
    const bot = (line: string) => core.dispatcher.run(line, CONSOLE_IDENTITY);
    const first = await bot("banned alpha");
    const second = await bot(first.paging!.next!.command);
    // Round robin, so that every contender meets the same load on a shared machine.
    const [raw = 0, ...took] = await interleaved(RUNS, [
      () => conn.send(["get", "alpha", "banip"]),
      page(bot, "banned alpha"),
      page(bot, first.paging!.next!.command),
      page(bot, second.paging!.prev!.command),
      page(bot, "banned alpha 10.1.2"),
      page((line) => bare.dispatcher.run(line, CONSOLE_IDENTITY), "banned alpha"),
      () => conn.send(["get", "alpha", "banip", "--with-time"]),
      () => promisify(execFile)("fail2ban-client", ["-s", sandbox.socketPath, "get", "alpha", "banip"], { maxBuffer: 256 << 20 }),
    ]);
    const [withTimes = 0, cli = 0] = took.slice(5);
    const rows: [string, number][] = [
      ["page 1", took[0]!],
      ["Next (page 2)", took[1]!],
      ["Prev (back to page 1)", took[2]!],
      ["search `10.1.2`, page 1", took[3]!],
      ["page 1, no capture: times from fail2ban's database", took[4]!],
    ];
    printTable(
      `banned <jail> in a running BanBot, ${BANS.toLocaleString("en")} bans in the jail, median of ${RUNS} (target: every page ≤ 1.3× one raw get banip)`,
      ["what", "time", "vs raw get banip", "verdict"],
      [
        ...rows.map(([what, took]) => [`BanBot ${what}`, ms(took), `${(took / raw).toFixed(2)}×`, verdict(took <= 1.3 * raw)]),
        ["raw socket: get alpha banip (decoded)", ms(raw), "1.00×", ""],
        ["raw socket: get alpha banip --with-time (decoded), for scale", ms(withTimes), `${(withTimes / raw).toFixed(2)}×`, ""],
        ["fail2ban-client get alpha banip, for scale", ms(cli), `${(cli / raw).toFixed(2)}×`, ""],
      ],
    );

    // 400 of the jail's addresses, lifted in every jail: what fail2ban's per-address scan made take 35 s.
    const targets = ips.slice(0, UNBAN);
    const unbans: number[] = [];
    for (let r = 0; r < UNBAN_RUNS; r++) {
      let reply: Reply | undefined;
      unbans.push(await time(async () => (reply = await bot(`unban ${targets.join(" ")}`))));
      if (reply?.title !== `Unbanned ${UNBAN} addresses in every jail`) throw new Error(`unexpected reply to unban: ${reply?.title}`);
      const left = new Set(await fail2ban.bannedIps("alpha"));
      if (left.size !== BANS - UNBAN || targets.some((ip) => left.has(ip))) throw new Error("unban did not lift exactly its addresses");
      await fail2ban.ban("alpha", targets);
    }
    const unban = median(unbans);
    const limit = config.fail2ban.timeoutMs / 10;
    printTable(
      `unban <${UNBAN} addresses> in every jail, ${BANS.toLocaleString("en")} bans in the jail, median of ${UNBAN_RUNS} (target: ≤ ${ms(limit)}, a tenth of the ${ms(config.fail2ban.timeoutMs)} timeout)`,
      ["what", "time", "verdict"],
      [[`BanBot \`unban <${UNBAN} addresses>\` (checked: exactly those lifted)`, ms(unban), verdict(unban <= limit)]],
    );
  } finally {
    await conn.close();
    await bare.close();
    bareDb.close();
    await bench.close();
  }
}
