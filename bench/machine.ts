import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { median, ms, time } from "./report.js";

const RUNS = 7;

/**
 * How quick the machine is right now, printed beside the bench times: the absolute targets (a
 * sync under 2 s, lookups per second) were set on this machine at its usual speed, and a shared
 * machine is at times several times slower. `node -e 0` is a process starting (what every one-shot
 * CLI pays), in the CLI bench's bare environment (NODE_OPTIONS from tsx, or NODE_EXTRA_CA_CERTS,
 * would add their own work).
 */
export async function machineSpeed(): Promise<string> {
  const start = async () => {
    const took: number[] = [];
    for (let i = 0; i < RUNS; i++) took.push(await time(() => promisify(execFile)(process.execPath, ["-e", "0"], { env: { PATH: process.env.PATH } })));
    return median(took);
  };
  // Allocation, hashing and sorting, as most of BanBot's own work is (memory as well as the core:
  // on the slow machine the geo bench's raw reader, all memory reads, ran at 40% of its usual rate).
  const workload = () => {
    const took: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const started = performance.now();
      const seen = new Map<string, number>();
      for (let i = 0; i < 200_000; i++) seen.set(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, i);
      if ([...seen.keys()].sort().length !== seen.size) throw new Error("unreachable");
      took.push(performance.now() - started);
    }
    return median(took);
  };
  return `node -e 0 ${ms(await start())}, a fixed JavaScript workload ${ms(workload())} (200,000 addresses into a Map, sorted)`;
}

/** The machine's CPU counters (Linux `/proc/stat`, in clock ticks), or undefined elsewhere. */
export function cpuCounters(): { steal: number; wanted: number } | undefined {
  let line: string | undefined;
  try {
    line = readFileSync("/proc/stat", "utf8").split("\n").find((l) => l.startsWith("cpu "));
  } catch {
    return undefined;
  }
  // user nice system idle iowait irq softirq steal (guest time is already counted in user).
  const fields = line?.trim().split(/\s+/).slice(1, 9).map(Number);
  if (fields?.length !== 8 || fields.some((n) => !Number.isFinite(n))) return undefined;
  const [user, nice, system, , , irq, softirq, steal] = fields as [number, number, number, number, number, number, number, number];
  return { steal, wanted: user + nice + system + irq + softirq + steal };
}

/**
 * Of the CPU time this VM wanted over a run, the share its host gave to others ("steal"): the slow
 * machine is a shared host's contention, which no load average inside the VM shows.
 */
export function stealShare(from: ReturnType<typeof cpuCounters>, to: ReturnType<typeof cpuCounters>): string {
  if (!from || !to || to.wanted <= from.wanted) return "";
  const share = (to.steal - from.steal) / (to.wanted - from.wanted);
  return `; of the CPU time this machine wanted during the run, its host kept ${(share * 100).toFixed(0)}% for others (steal)`;
}
