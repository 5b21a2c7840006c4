import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import pino from "pino";
import { SocketFail2ban } from "../src/core/fail2ban/client.js";
import { Fail2banConnection } from "../src/core/fail2ban/connection.js";
import { startFail2banSandbox } from "../src/sandbox/fail2ban-sandbox.js";
import { TEST_JAILS } from "../test/harness/test-jails.js";
import { fail2banAtRest, recordedBans } from "./bench-core.js";
import { BUILT_CLI, buildCli } from "./built-cli.js";
import { median, ms, printTable, until, verdict } from "./report.js";

const ROOT = join(import.meta.dirname, "..");
const GNU_TIME = "/usr/bin/time";
const STATUS_RUNS = 21;
const BANNED_BANS = 100_000;
const BANNED_RUNS = 5;
const BULK_IPS = 20_000;
const BULK_RUNS = 7;

interface Run {
  ms: number;
  /** Peak resident memory in MB, and user plus system CPU time in ms; undefined without GNU time. */
  mb: number | undefined;
  cpu: number | undefined;
  stdout: string;
}

type Summary = Omit<Run, "stdout">;

// The one-shot CLI as users run it, a whole process each time (`node dist/src/cli.js`, which runs the
// bundle dist/banbot.cjs with its code cache: what the bin and `npm link` run), against
// fail2ban-client doing the same, on one sandboxed server.
export async function benchCli(): Promise<void> {
  // The built CLI is what users run (the bundle and its code cache included): build it from the sources being measured.
  await buildCli();
  await expectBundleRuns();
  const sandbox = await startFail2banSandbox({ jails: TEST_JAILS });
  const dataDir = await mkdtemp(join(tmpdir(), "bbcli-"));
  const log = pino({ level: "silent" });
  const conn = new Fail2banConnection({ socketPath: sandbox.socketPath, timeoutMs: 120_000, log });
  const fail2ban = new SocketFail2ban(conn, log);
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, BANBOT_FAIL2BAN_SOCKET: sandbox.socketPath, BANBOT_DATA_DIR: dataDir };
  const banbot = (args: string[], input?: string) => measure(process.execPath, [BUILT_CLI, ...args], { env, input });
  const client = (args: string[]) => measure("fail2ban-client", ["-s", sandbox.socketPath, ...args], { env });
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  // fail2ban's own time for the same bans varies by a third from one run to the next: each round's
  // BanBot run is compared with the fail2ban-client run of the same round, and the median ratio kept.
  const paired = (ours: readonly Run[], theirs: readonly Run[]) => median(ours.map((run, i) => run.ms / theirs[i]!.ms));
  try {
    await banbot(["migrate"]);

    // With the floors under it: Node starting and doing nothing, and BanBot loaded doing nothing
    // (`help`), so that the table shows how much of the time any Node program, or BanBot at all, costs.
    const status = await rounds(STATUS_RUNS, [
      () => banbot(["exec", "--", "status"]),
      () => client(["status"]),
      () => measure(process.execPath, ["-e", "0"], { env }),
      () => banbot(["help"]),
    ]);
    const [ours, theirs, bare, loaded] = status.map(summary);
    const floor = (what: string, run: Summary) => [what, ms(run.ms), cpu(run.cpu), mb(run.mb), ratio(run.ms, theirs!.ms), ""];
    printTable(
      `\`exec -- status\` as a whole process, median of ${STATUS_RUNS} (targets: ≤ 2× fail2ban-client's time, ≤ 80 MB peak RSS)`,
      ["process", "time", "CPU", "peak RSS", "vs fail2ban-client", "verdict"],
      [
        ["banbot exec -- status", ms(ours!.ms), cpu(ours!.cpu), mb(ours!.mb), ratio(ours!.ms, theirs!.ms), verdict(ours!.ms <= 2 * theirs!.ms && (ours!.mb ?? 0) <= 80)],
        ["fail2ban-client status", ms(theirs!.ms), cpu(theirs!.cpu), mb(theirs!.mb), "1.00×", ""],
        floor("floor: node -e 0 (Node starting, nothing else)", bare!),
        floor("floor: banbot help (BanBot loaded, no command)", loaded!),
      ],
    );

    const ips = Array.from({ length: BULK_IPS }, (_, i) => `12.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
    const list = join(dataDir, "addresses.txt");
    await writeFile(list, `${ips.join("\n")}\n`);
    // Each side's result is checked in fail2ban after its own run: a fast ban that lost addresses fails.
    // Each run starts with fail2ban at rest, not still recording the run before.
    const atRest = () => fail2banAtRest(fail2ban, sandbox.dbPath, "beta");
    const checked = (who: string, run: () => Promise<Run>) => async () => {
      await fail2ban.unbanAll();
      await atRest();
      const result = await run();
      const held = (await fail2ban.jailStatus("beta", { short: true })).currentlyBanned;
      if (held !== BULK_IPS) throw new Error(`${who}: fail2ban holds ${held} bans, expected ${BULK_IPS}`);
      await atRest();
      if (who.startsWith("banbot") && !result.stdout.includes(`Banned ${BULK_IPS} addresses in beta`)) throw new Error(`${who} said: ${result.stdout.slice(0, 200)}`);
      return result;
    };
    const bulk = await rounds(BULK_RUNS, [
      checked("banbot, arguments", () => banbot(["exec", "--", "ban", ...ips, "beta"])),
      checked("banbot, standard input", async () => await banbot(["exec", "--", "ban", "-", "beta"], await readFile(list, "utf8"))),
      checked("fail2ban-client", () => client(["set", "beta", "banip", ...ips])),
    ]);
    await fail2ban.unbanAll();
    const [args, stdin, one] = bulk.map(summary);
    const [argsRatio, stdinRatio] = [paired(bulk[0]!, bulk[2]!), paired(bulk[1]!, bulk[2]!)];
    printTable(
      `Ban ${BULK_IPS.toLocaleString("en")} addresses as a whole process, each result checked in fail2ban, median of ${BULK_RUNS}, ratio: median of each round's (target: ≤ 1.2× fail2ban-client)`,
      ["process", "time", "CPU", "peak RSS", "vs fail2ban-client", "verdict"],
      [
        ["banbot exec -- ban <20,000 addresses> beta", ms(args!.ms), cpu(args!.cpu), mb(args!.mb), `${argsRatio.toFixed(2)}×`, verdict(argsRatio <= 1.2)],
        ["banbot exec -- ban - beta < addresses.txt", ms(stdin!.ms), cpu(stdin!.cpu), mb(stdin!.mb), `${stdinRatio.toFixed(2)}×`, verdict(stdinRatio <= 1.2)],
        ["fail2ban-client set beta banip <20,000 addresses>", ms(one!.ms), cpu(one!.cpu), mb(one!.mb), "1.00×", ""],
      ],
    );

    await fail2ban.ban("alpha", Array.from({ length: BANNED_BANS }, (_, i) => `11.${i >> 16}.${(i >> 8) & 255}.${i & 255}`), { chunkSize: 5000 });
    // fail2ban answers banip at once but records the bans in its database for seconds after (its
    // actions thread). A page read before that finds no times there and falls back to the whole list
    // with times, while fail2ban is still busy: measured once the jail is at rest, as users meet it.
    await until(() => recordedBans(sandbox.dbPath, "alpha") >= BANNED_BANS, { what: "fail2ban to record the bans in its database", timeoutMs: 300_000 });
    const banned = await rounds(BANNED_RUNS, [() => banbot(["exec", "--", "banned", "alpha"]), () => client(["get", "alpha", "banip"])]);
    const [page, list100k] = banned.map(summary);
    printTable(
      `\`exec -- banned alpha\` (page 1) as a whole process, ${BANNED_BANS.toLocaleString("en")} bans in the jail, median of ${BANNED_RUNS} (target: ≤ 2× fail2ban-client get alpha banip)`,
      ["process", "time", "CPU", "peak RSS", "vs fail2ban-client", "verdict"],
      [
        ["banbot exec -- banned alpha", ms(page!.ms), cpu(page!.cpu), mb(page!.mb), ratio(page!.ms, list100k!.ms), verdict(page!.ms <= 2 * list100k!.ms)],
        ["fail2ban-client get alpha banip", ms(list100k!.ms), cpu(list100k!.cpu), mb(list100k!.mb), "1.00×", ""],
      ],
    );
  } finally {
    await conn.close();
    await sandbox.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
}

// The bench measures the CLI as built, so it checks that what runs is the bundle with a code cache
// this Node takes (otherwise the numbers would be those of a slower path no user runs).
async function expectBundleRuns(): Promise<void> {
  const script = `
    import { bundleFiles, loadBundle } from ${JSON.stringify(pathToFileURL(join(ROOT, "dist/src/cli/bundle.js")).href)};
    console.log(JSON.stringify(loadBundle(bundleFiles(${JSON.stringify(pathToFileURL(BUILT_CLI).href)}))?.cached ?? null));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, env: { PATH: process.env.PATH } });
  if (stdout.trim() !== "true") throw new Error(`the built CLI does not run its bundle from V8's code cache (${stdout.trim() === "null" ? "no dist/banbot.cjs" : "cache refused"}): run npm run build`);
}

/** Runs the contenders round robin, so that all of them meet the same load on a shared machine. */
async function rounds(runs: number, contenders: readonly (() => Promise<Run>)[]): Promise<Run[][]> {
  const results = contenders.map((): Run[] => []);
  for (let r = 0; r < runs; r++) for (const [i, run] of contenders.entries()) results[i]!.push(await run());
  return results;
}

function summary(runs: readonly Run[]): Summary {
  const of = (values: (number | undefined)[]) => {
    const known = values.filter((v) => v !== undefined);
    return known.length > 0 ? median(known) : undefined;
  };
  return { ms: median(runs.map((r) => r.ms)), mb: of(runs.map((r) => r.mb)), cpu: of(runs.map((r) => r.cpu)) };
}

const mb = (value: number | undefined) => (value === undefined ? "n/a (no GNU time)" : `${value.toFixed(0)} MB`);
// CPU time hardly depends on what else the machine runs, unlike wall time: it tells whether a change helped.
// GNU time counts it in hundredths of a second.
const cpu = (value: number | undefined) => (value === undefined ? "n/a" : `${value.toFixed(0)} ms`);

// Wall time of the whole process; peak RSS from GNU time when the machine has it (both sides alike).
async function measure(command: string, args: string[], opts: { env: NodeJS.ProcessEnv; input?: string }): Promise<Run> {
  const rssFile = join(tmpdir(), `bbcli-rss-${process.pid}`);
  const timed = existsSync(GNU_TIME);
  const [file, argv] = timed ? [GNU_TIME, ["-f", "%M %U %S", "-o", rssFile, command, ...args]] : [command, args];
  const started = performance.now();
  const child = spawn(file, argv, { env: opts.env, stdio: ["pipe", "pipe", "pipe"] });
  child.stdin.end(opts.input ?? "");
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const took = performance.now() - started;
  if (code !== 0) throw new Error(`${command} ${args.slice(0, 4).join(" ")} … exited ${code}: ${(stderr || stdout).slice(0, 300)}`);
  if (!timed) return { ms: took, mb: undefined, cpu: undefined, stdout };
  const [kb = Number.NaN, user = Number.NaN, system = Number.NaN] = (await readFile(rssFile, "utf8")).trim().split("\n").at(-1)!.split(" ").map(Number);
  return { ms: took, mb: kb / 1024, cpu: (user + system) * 1000, stdout };
}
