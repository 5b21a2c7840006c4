import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { commandLineFrom, parseExecArgs } from "../../src/cli/exec.js";
import { storePath } from "../../src/cli/store-path.js";
import { tokenize } from "../../src/core/command/tokenize.js";
import { createHistoryArchive } from "../../src/store/history-archive.js";
import { useClients } from "../harness/client.js";
import { sandboxConfigOps, useFail2ban } from "../harness/fail2ban.js";
import { migratedStore } from "../harness/store.js";
import { banbotArgs } from "../harness/spawn-banbot.js";
import { useTempDir } from "../harness/temp-dir.js";

const ROOT = join(import.meta.dirname, "../..");

// `banbot exec` as a user runs it: a separate process, configured by the environment only.
describe("banbot exec", () => {
  const f2b = useFail2ban();
  const connect = useClients();
  const dataDir = useTempDir("bbx-");
  // A store of its own, for a test that counts what the archive holds.
  const countedDir = useTempDir("bbc-");

  async function banbot(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return await banbotWith({}, ...args);
  }

  async function banbotWith(
    extra: { env?: Record<string, string>; fromSourcesWith?: string[]; input?: string; dir?: string },
    ...args: string[]
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, BANBOT_FAIL2BAN_SOCKET: f2b.sandbox.socketPath, BANBOT_DATA_DIR: extra.dir ?? dataDir.path, ...extra.env };
    const child = spawn(process.execPath, extra.fromSourcesWith ? banbotArgs(args, "sources", extra.fromSourcesWith) : banbotArgs(args), { cwd: ROOT, env });
    child.stdin.end(extra.input ?? "");
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? -1)));
    return { code, stdout, stderr };
  }

  function banbotOn(dir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return banbotWith({ dir }, ...args);
  }

  it("runs a command, prints its reply and exits 0", async () => {
    const { code, stdout } = await banbot("exec", "--", "ban", "203.0.113.5", "alpha", "for", "2h");
    expect(code).toBe(0);
    expect(stdout).toContain("✔ Banned 203.0.113.5 in alpha for 1h, alpha's ban time");
    expect(await connect(f2b.sandbox.socketPath).fail2ban.jailsBanning(["203.0.113.5"])).toEqual([["alpha"]]);
    // The audit log, read by the next exec, has it.
    expect((await banbot("exec", "--", "audit")).stdout).toContain("ban 203.0.113.5 alpha for 2h");
  });

  it("loads no chat SDK, chart renderer, HTTP client or metrics library for a command that needs none", async () => {
    const log = join(dataDir.path, "modules.txt");
    // From the sources: the module log sees ES imports only, and the bundle require()s its packages.
    const { code } = await banbotWith({ env: { MODULE_LOG_FILE: log }, fromSourcesWith: ["--import", join(ROOT, "test/harness/module-log.ts")] }, "exec", "--", "banned", "alpha");
    expect(code).toBe(0);
    const packages = new Set([...(await readFile(log, "utf8")).matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].map((m) => m[1]));
    expect(packages).toContain("better-sqlite3");
    for (const heavy of ["discord.js", "@slack/bolt", "echarts", "@resvg/resvg-js", "undici", "prom-client"]) expect(packages).not.toContain(heavy);
  });

  it("prints the Reply as JSON", async () => {
    const fail2ban = connect(f2b.sandbox.socketPath).fail2ban;
    await fail2ban.unbanAll();
    await fail2ban.ban("alpha", ["203.0.113.5"]);
    const { code, stdout } = await banbot("exec", "--json", "--", "banned", "alpha");
    expect(code).toBe(0);
    const reply = JSON.parse(stdout) as { title: string; table: { rows: string[][] } };
    expect(reply.title).toBe("1 banned in alpha");
    expect(reply.table.rows[0]?.[0]).toBe("203.0.113.5");
  });

  it("writes a chart to a PNG under the data directory and prints its path", async () => {
    const db = migratedStore(join(dataDir.path, "banbot.sqlite3"));
    const at = Date.now() - 60_000;
    createHistoryArchive(db).add([{ host: hostname(), jail: "alpha", ip: "192.0.2.9", kind: "ban", at, banTime: at / 1000, banSeconds: 600, banCount: 1, failures: 5, origin: "fail2ban" }]);
    db.close();
    const { code, stdout } = await banbot("exec", "--", "top", "countries");
    expect(code).toBe(0);
    const path = /^ {2}Chart: (\S+)$/m.exec(stdout)?.[1];
    expect(path).toMatch(new RegExp(`^${join(dataDir.path, "charts")}/top-countries-\\d{8}-\\d{6}\\.png$`));
    expect(readFileSync(path!).subarray(1, 4).toString()).toBe("PNG");
  });

  it("gives charts as base64 PNG and counts as numbers in JSON", async () => {
    const store = migratedStore(storePath(countedDir.path));
    const at = Date.now() - 3_600_000;
    const ban = (ip: string, jail: string) => ({ host: hostname(), jail, ip, kind: "ban" as const, at, banTime: at / 1000, banSeconds: 600, banCount: 1, failures: 3, origin: "fail2ban" as const });
    createHistoryArchive(store).add([ban("203.0.113.11", "alpha"), ban("203.0.113.12", "alpha"), ban("203.0.113.13", "beta")]);
    store.close();
    const { code, stdout } = await banbotOn(countedDir.path, "exec", "--json", "--", "top", "jails");
    expect(code).toBe(0);
    const reply = JSON.parse(stdout) as { table: { rows: unknown[][] }; images: { png: string; width: number }[] };
    expect(reply.table.rows.map((r) => r.slice(0, 4))).toEqual([
      [1, "alpha", 2, "66.7%"],
      [2, "beta", 1, "33.3%"],
    ]);
    const png = Buffer.from(reply.images[0]!.png, "base64");
    expect(png.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
    expect(png.readUInt32BE(16)).toBe(reply.images[0]!.width);
  });

  // 300 addresses show the reading of a list (lines, blanks, comments, one long line) as well as 3000
  // did at a fraction of fail2ban's work; splitting into fail2ban-sized chunks has its tests in
  // test/core/fail2ban.
  it("reads the addresses a lone - stands for from standard input, for lists longer than a command line", async () => {
    const ips = Array.from({ length: 300 }, (_, i) => `2001:db8::${(i + 1).toString(16)}`);
    const list = `# exported from somewhere\n${ips.slice(0, 100).join("\n")}\n\n${ips.slice(100).join(" ")}  # the rest on one line\n`;
    const banned = await banbotWith({ input: list }, "exec", "--", "ban", "-", "alpha");
    expect(banned).toMatchObject({ code: 0, stdout: expect.stringContaining("✔ Banned 300 addresses in alpha") });
    const fail2ban = connect(f2b.sandbox.socketPath).fail2ban;
    const now = new Set(await fail2ban.bannedIps("alpha"));
    expect(ips.filter((ip) => !now.has(ip))).toEqual([]);

    const lifted = await banbotWith({ input: ips.join("\n") }, "exec", "--", "unban", "-");
    expect(lifted).toMatchObject({ code: 0, stdout: expect.stringContaining("✔ Unbanned 300 addresses in every jail") });
    expect((await fail2ban.jailsBanning(ips)).flat()).toEqual([]);

    // A word that is no address is refused like a typed one, named, and nothing is banned.
    const bad = await banbotWith({ input: "198.18.50.1\nnot-an-address\n198.18.50.2\n" }, "exec", "--", "ban", "-", "alpha");
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^✖ [^\n]*\n {2}“not-an-address” is not an IP address/);
    expect(await fail2ban.jailsBanning(["198.18.50.1"])).toEqual([[]]);
    const empty = await banbotWith({ input: "# nothing\n" }, "exec", "--", "ban", "-", "alpha");
    expect(empty).toMatchObject({ code: 1, stderr: expect.stringContaining("held nothing but blanks and comments") });
  });

  it("exits 1 with a clear message on a user error, changing nothing", async () => {
    const { code, stdout } = await banbot("exec", "--", "ban", "203.0.113.300", "alpha");
    expect(code).toBe(1);
    expect(stdout).toContain("is not an IP address");
    expect(stdout).not.toMatch(/at .*\.ts|Error:/);
  });

  it("asks before a destructive command, and --yes confirms it", async () => {
    const asked = await banbot("exec", "--", "stop", "beta");
    expect(asked.code).toBe(1);
    expect(asked.stdout).toContain("Run again with --yes to confirm.");
    expect((await connect(f2b.sandbox.socketPath).fail2ban.status()).jails).toEqual(["alpha", "beta"]);
    const done = await banbot("exec", "--yes", "--", "stop", "beta");
    expect(done.code).toBe(0);
    const fail2ban = connect(f2b.sandbox.socketPath).fail2ban;
    expect((await fail2ban.status()).jails).toEqual(["alpha"]);
    expect((await banbot("exec", "--", "audit")).stdout).toContain("stop beta");
    // Back from the configuration, for the tests that use it.
    await sandboxConfigOps(f2b.sandbox).startJail("beta");
  });

  it("refuses its own flag after `--`, saying where it goes, and runs nothing", async () => {
    const { code, stdout, stderr } = await banbot("exec", "--", "ban", "203.0.113.77", "alpha", "--yes");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("--yes comes after `--`, where it would be read as part of the command line, so nothing was run; put exec's flags first: banbot exec --yes -- ban 203.0.113.77 alpha");
    expect(await connect(f2b.sandbox.socketPath).fail2ban.jailsBanning(["203.0.113.77"])).toEqual([[]]);
  });

  it("refuses a bad configuration with every problem listed, exit 2", async () => {
    const { code, stderr } = await promisify(execFile)(process.execPath, banbotArgs(["exec", "--", "status"]), {
      cwd: ROOT,
      env: { PATH: process.env.PATH, BANBOT_HTTP_PORT: "70000", DISCORD_TOKEN: "x" },
    }).then(
      () => ({ code: 0, stderr: "" }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/BANBOT_HTTP_PORT/);
    expect(stderr).toMatch(/DISCORD_APPLICATION_ID/);
  });
});

describe("commandLineFrom", () => {
  it("quotes each argument so the tokenizer, which has no escapes, reads it back as one token", () => {
    const args = ["note", 'say "hi" there', "C:\\temp dir", "", "--jail=sshd"];
    expect(tokenize(commandLineFrom(args)).map((t) => t.text)).toEqual(args);
  });
});

describe("parseExecArgs", () => {
  it.each([
    [["--json", "--", "banned", "sshd"], { json: true, yes: false, words: ["banned", "sshd"] }],
    [["--yes", "stop", "sshd"], { json: false, yes: true, words: ["stop", "sshd"] }],
    [["--", "note", "two words"], { json: false, yes: false, words: ["note", "two words"] }],
  ])("GIVEN %j THEN reads the flags and the command's words", (args, expected) => {
    expect(parseExecArgs(args)).toEqual(expected);
  });

  it.each([
    [["--", "help", "ban", "--json"], "--json comes after `--`, where it would be read as part of the command line, so nothing was run; put exec's flags first: banbot exec --json -- help ban"],
    [["audit", "--json"], "--json comes after the command, where it would be read as part of the command line, so nothing was run; put exec's flags first: banbot exec --json -- audit"],
    [["--yes", "--", "stop", "sshd", "--json"], "--json comes after `--`, where it would be read as part of the command line, so nothing was run; put exec's flags first: banbot exec --yes --json -- stop sshd"],
    [["--jsno", "--", "status"], "exec has no flag --jsno (it takes --json and --yes).\nUsage: banbot exec [--json] [--yes] -- <command line>   (a lone - reads addresses from standard input)"],
    [["--json"], "Usage: banbot exec [--json] [--yes] -- <command line>   (a lone - reads addresses from standard input)"],
  ])("GIVEN %j THEN refuses: %s", (args, error) => {
    expect(parseExecArgs(args)).toEqual({ error });
  });
});
