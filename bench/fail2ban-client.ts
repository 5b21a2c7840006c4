import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import pino from "pino";
import { SocketFail2ban } from "../src/core/fail2ban/client.js";
import { Fail2banConnection } from "../src/core/fail2ban/connection.js";
import { startFail2banSandbox } from "../src/sandbox/fail2ban-sandbox.js";
import { TEST_JAILS } from "../test/harness/test-jails.js";
import { median, ms, printTable, time, verdict } from "./report.js";

const run = promisify(execFile);

const LATENCY_RUNS = 30;
const BULK_IPS = 20_000;
const BULK_CHUNK = 1_000;
const BULK_RUNS = 3;

// BanBot's socket client against spawning fail2ban-client, on the same sandboxed server in one run.
export async function benchFail2banClient(): Promise<void> {
  const sandbox = await startFail2banSandbox({ jails: TEST_JAILS });
  const log = pino({ level: "silent" });
  const conn = new Fail2banConnection({ socketPath: sandbox.socketPath, timeoutMs: 120_000, log });
  const fail2ban = new SocketFail2ban(conn, log);
  const cli = (...args: string[]) =>
    run("fail2ban-client", ["-c", join(sandbox.dir, "conf"), "-s", sandbox.socketPath, ...args], { maxBuffer: 64 << 20 });
  try {
    await fail2ban.ban("alpha", Array.from({ length: 200 }, (_, i) => `192.0.2.${i}`));
    const latency: string[][] = [];
    for (const [label, banbot, spawn] of [
      ["status", () => fail2ban.status(), () => cli("status")],
      ["status alpha (200 bans)", () => fail2ban.jailStatus("alpha"), () => cli("status", "alpha")],
    ] as const) {
      const ours: number[] = [];
      const theirs: number[] = [];
      for (let i = 0; i < LATENCY_RUNS; i++) {
        ours.push(await time(banbot));
        theirs.push(await time(spawn));
      }
      latency.push([label, ms(median(ours)), ms(median(theirs)), `${(median(theirs) / median(ours)).toFixed(0)}× faster`, verdict(median(ours) <= median(theirs))]);
    }
    printTable(
      `Round trip, median of ${LATENCY_RUNS} (fail2ban ${await fail2ban.version()}) (target: BanBot's client no slower than spawning fail2ban-client)`,
      ["command", "BanBot client", "fail2ban-client", "BanBot vs CLI", "verdict"],
      latency,
    );

    const ips = Array.from({ length: BULK_IPS }, (_, i) => `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
    const ours: number[] = [];
    const theirs: number[] = [];
    // Each side's result is checked in fail2ban after its own run: a fast ban that lost addresses
    // must fail the benchmark, not win it.
    const banned = async (who: string, reported?: number) => {
      const now = (await fail2ban.jailStatus("beta", { short: true })).currentlyBanned;
      if (now !== BULK_IPS || (reported !== undefined && reported !== BULK_IPS)) {
        throw new Error(`${who} bulk ban: fail2ban holds ${now} bans${reported === undefined ? "" : `, BanBot reported ${reported}`}, expected ${BULK_IPS}`);
      }
    };
    for (let r = 0; r < BULK_RUNS; r++) {
      await fail2ban.unbanAll();
      let reported = 0;
      ours.push(await time(async () => (reported = await fail2ban.ban("beta", ips, { chunkSize: BULK_CHUNK }))));
      await banned("BanBot", reported);
      await fail2ban.unbanAll();
      theirs.push(
        await time(async () => {
          for (let i = 0; i < ips.length; i += BULK_CHUNK) await cli("set", "beta", "banip", ...ips.slice(i, i + BULK_CHUNK));
        }),
      );
      await banned("fail2ban-client");
    }
    const ratio = median(ours) / median(theirs);
    printTable(
      `Ban ${BULK_IPS.toLocaleString("en")} distinct IPs in chunks of ${BULK_CHUNK}, each result checked in fail2ban, median of ${BULK_RUNS} (target: BanBot ≤ 1.2× fail2ban-client)`,
      ["path", "time", "IPs/s", "vs fail2ban-client", "verdict"],
      [
        ["BanBot's client, bulk ban", ms(median(ours)), (BULK_IPS / (median(ours) / 1000)).toFixed(0), `${ratio.toFixed(2)}×`, verdict(ratio <= 1.2)],
        ["fail2ban-client set beta banip", ms(median(theirs)), (BULK_IPS / (median(theirs) / 1000)).toFixed(0), "1.00×", ""],
      ],
    );
  } finally {
    await conn.close();
    await sandbox.dispose();
  }
}
