// Small helpers shared by the benchmarks: timing, percentiles and a plain-text table.

export async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);

export function ms(value: number): string {
  return value >= 100 ? `${value.toFixed(0)} ms` : value >= 1 ? `${value.toFixed(2)} ms` : `${(value * 1000).toFixed(0)} µs`;
}

export function printTable(title: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
}

/** The last column of a table: whether the row met its target. */
export function verdict(met: boolean): string {
  return met ? "✔ met" : "✖ missed";
}

/** Polls `ready` every 200 ms until it holds; throws after `timeoutMs` naming `what` it waited for. */
export async function until(ready: () => boolean | Promise<boolean>, opts: { what: string; timeoutMs: number }): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${opts.what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Medians of `runs` timings of each contender, run round robin (a, b, c, a, b, c, …) so that all of
 * them meet the same load on a shared machine.
 */
export async function interleaved(runs: number, contenders: readonly (() => Promise<unknown>)[]): Promise<number[]> {
  const took = contenders.map((): number[] => []);
  for (let r = 0; r < runs; r++) for (const [i, fn] of contenders.entries()) took[i]!.push(await time(fn));
  return took.map(median);
}
