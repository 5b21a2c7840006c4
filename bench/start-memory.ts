import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pino from "pino";
import { storePath } from "../src/cli/store-path.js";
import { SocketFail2ban } from "../src/core/fail2ban/client.js";
import { Fail2banConnection } from "../src/core/fail2ban/connection.js";
import { classifyAddress } from "../src/core/ip-ranges.js";
import { packageRoot } from "../src/paths.js";
import { startFail2banSandbox } from "../src/sandbox/fail2ban-sandbox.js";
import { migratedStore } from "../test/harness/store.js";
import { TEST_JAILS } from "../test/harness/test-jails.js";
import { fillArchive, generateEvents } from "./history-data.js";
import { buildCli, serviceCliArgs } from "./built-cli.js";
import { ms, printTable } from "./report.js";

const BANS = 100_000;
const EVENTS = 1_000_000;
const TARGET_MB = 150;
const SYNC_TIMEOUT_MS = 150_000;

/**
 * `banbot start` as a service runs it (the built CLI in its own node process with the systemd
 * unit's node flags, which the container passes too; no chat platform),
 * on a store holding a year of 1,000,000 events, against a fail2ban-server whose jail holds
 * 100,000 bans BanBot has never archived: its first history sync reads them all. Resident memory
 * is sampled from /proc the whole time; the kernel's own high-water mark (VmHWM) is the peak.
 */
export async function benchStartMemory(): Promise<void> {
  const root = packageRoot();
  // The real path is the built CLI with its bundle (what `npm install` leaves behind), not tsx.
  await buildCli();
  const sandbox = await startFail2banSandbox({ jails: TEST_JAILS });
  const dataDir = await mkdtemp(join(tmpdir(), "bbsm-"));
  try {
    const log = pino({ level: "silent" });
    const conn = new Fail2banConnection({ socketPath: sandbox.socketPath, timeoutMs: 120_000, log });
    const banning = performance.now();
    await new SocketFail2ban(conn, log).ban("alpha", publicAddresses(BANS), { chunkSize: 5_000 });
    const banMs = performance.now() - banning;
    await conn.close();

    const store = migratedStore(storePath(dataDir));
    fillArchive(store, "bench-host", generateEvents(EVENTS, Math.floor(Date.now() / 1000)));
    store.close();
    const f2bRows = (new Database(sandbox.dbPath, { readonly: true }).prepare("SELECT count(*) AS n FROM bans").get() as { n: number }).n;

    const env = { PATH: process.env.PATH, HOME: process.env.HOME, BANBOT_FAIL2BAN_SOCKET: sandbox.socketPath, BANBOT_DATA_DIR: dataDir, BANBOT_LOG_LEVEL: "info" };
    const child = spawn(process.execPath, serviceCliArgs(["start"]), { cwd: root, env, stdio: ["ignore", "ignore", "pipe"] });
    let logs = "";
    child.stderr.on("data", (d: Buffer) => (logs += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const samples: { at: number; rss: number; anon: number; file: number; shmem: number }[] = [];
    const started = performance.now();
    let synced: { read: number; added: number; durationMs: number } | undefined;
    let atStart: Awaited<ReturnType<typeof memory>> | undefined;
    let cpuAtStart: number | undefined;
    try {
      while (!synced) {
        if (performance.now() - started > SYNC_TIMEOUT_MS) throw new Error(`no first sync within ${SYNC_TIMEOUT_MS / 1000} s; log:\n${logs.slice(-2000)}`);
        if (child.exitCode !== null) throw new Error(`banbot start exited with ${child.exitCode}; log:\n${logs.slice(-2000)}`);
        const rss = await memory(child.pid!);
        samples.push({ at: performance.now() - started, ...rss });
        if (atStart === undefined && logs.includes('"msg":"BanBot started"')) [atStart, cpuAtStart] = [rss, await cpuMs(child.pid!)];
        synced = syncLine(logs);
        await new Promise((r) => setTimeout(r, 50));
      }
      const peak = (await memory(child.pid!)).hwm;
      // From "started" to the sync's log line, sampled every 50 ms: the sync's CPU time and a little of the rest.
      const syncCpu = cpuAtStart === undefined ? undefined : (await cpuMs(child.pid!)) - cpuAtStart;
      const f2b = await memory(Number((await readFile(sandbox.pidFile, "utf8")).trim()));
      const verdict = peak <= TARGET_MB ? "✔ meets target" : "✘ over target";
      printTable(
        `banbot start, first sync of ${f2bRows.toLocaleString("en")} fail2ban rows (${BANS.toLocaleString("en")} bans in the jail, made in ${ms(banMs)}) into a ${EVENTS.toLocaleString("en")}-event archive; resident memory (target: peak ≤ ${TARGET_MB} MB)`,
        ["what", "value", "verdict"],
        [
          ["banbot start: peak RSS (VmHWM) through the first sync", `${peak.toFixed(0)} MB`, verdict],
          ["banbot start: RSS once started, before the sync: heaps / mapped files / shared", atStart ? breakdown([atStart]) : "?", ""],
          ["banbot start: the first sync itself (target < 2 s)", `${ms(synced.durationMs)}${syncCpu === undefined ? "" : ` (CPU ${ms(syncCpu)})`}, ${synced.added.toLocaleString("en")} events added`, synced.durationMs < 2_000 ? "✔ meets target" : "✘ misses target"],
          ["banbot start: highest RSS sample: heaps / mapped files / shared", breakdown(samples), ""],
          ["banbot start: RSS samples taken", `${samples.length} over ${ms(samples.at(-1)?.at ?? 0)}`, ""],
          ["fail2ban-server holding the same bans: RSS / peak", `${f2b.rss.toFixed(0)} MB / ${f2b.hwm.toFixed(0)} MB`, "(reference)"],
        ],
      );
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  } finally {
    await sandbox.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function breakdown(samples: readonly { rss: number; anon: number; file: number; shmem: number }[]): string {
  const top = samples.reduce((a, b) => (b.rss > a.rss ? b : a));
  return `${top.rss.toFixed(0)} MB: ${top.anon.toFixed(0)} / ${top.file.toFixed(0)} / ${top.shmem.toFixed(0)} MB`;
}

/** RSS (anonymous, file-backed, shared) and its high-water mark, in MB, from /proc. */
async function memory(pid: number): Promise<{ rss: number; hwm: number; anon: number; file: number; shmem: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) / 1024;
  return { rss: kb("VmRSS"), hwm: kb("VmHWM"), anon: kb("RssAnon"), file: kb("RssFile"), shmem: kb("RssShmem") };
}

/** The process's CPU time (user and system) so far, in ms, from /proc (clock ticks of 10 ms). */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // The fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

// BanBot logs each sync that archived something, with its counts and duration.
function syncLine(logs: string): { read: number; added: number; durationMs: number } | undefined {
  const line = logs.split("\n").find((l) => l.includes("ban history synced"));
  return line === undefined ? undefined : (JSON.parse(line) as { read: number; added: number; durationMs: number });
}

/** Public addresses spread over the whole IPv4 space, so geo lookups find real countries. */
function publicAddresses(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const n = Math.imul(i + 1, 2654435761) >>> 0;
    const ip = `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
    if (classifyAddress(ip)?.kind === "public") out.push(ip);
  }
  return out;
}
