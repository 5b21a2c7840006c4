import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { escapeRegExp } from "../harness/escape-regexp.js";
import { banbotArgs } from "../harness/spawn-banbot.js";
import { useTempDir } from "../harness/temp-dir.js";

const ROOT = join(import.meta.dirname, "../..");

function startDemo(env: Record<string, string | undefined> = {}) {
  const child = spawn(process.execPath, banbotArgs(["demo"]), {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  return {
    child,
    exited,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    send: (line: string) => child.stdin.write(`${line}\n`),
    /** Waits for `pattern` in what was printed after `from` (an offset in stdout); returns the match and where it ends. */
    waitFor: async (pattern: RegExp, opts: { from?: number; timeout?: number } = {}): Promise<{ match: RegExpExecArray; end: number }> =>
      await vi.waitFor(
        () => {
          const from = opts.from ?? 0;
          const match = pattern.exec(stdout.slice(from));
          if (!match) throw new Error(`the demo has not printed ${pattern} (yet)`);
          return { match, end: from + match.index + match[0].length };
        },
        { timeout: opts.timeout ?? 20_000, interval: 100 },
      ),
  };
}

/** Every AS number in the built-in ASN table, read from its CSV apart from BanBot's reader. */
function tableAsns(): Set<number> {
  const csv = readFileSync(createRequire(import.meta.url).resolve("@ip-location-db/asn/asn-ipv4-num.csv"), "utf8");
  return new Set(csv.split("\n").flatMap((line) => (line ? [Number(line.split(",")[2])] : [])));
}

// The README's first command ends in `banbot demo`; this drives it as a newcomer would.
describe("banbot demo", () => {
  const configDir = useTempDir("bbdc-");

  it("reaches a working console against a sandboxed fail2ban, then cleans up", { timeout: 60_000 }, async () => {
    const demo = startDemo();
    demo.child.stdin.end(["jails", "ban 203.0.113.5 sshd", "banned sshd 203.0.113.5", "unban 203.0.113.5", "ip 203.0.113.5", "exit", ""].join("\n"));
    const code = await demo.exited;
    const stdout = demo.stdout;

    expect(code).toBe(0);
    expect(stdout).toMatch(/fail2ban sandbox up with jails sshd, nginx-http-auth, postfix-sasl/);
    expect(stdout).toMatch(/• 3 jails\n[\s\S]*nginx-http-auth[\s\S]*postfix-sasl[\s\S]*sshd/);
    expect(stdout).toContain("✔ Banned 203.0.113.5 in sshd");
    expect(stdout).toMatch(/1 banned in sshd matching "203\.0\.113\.5"[\s\S]*203\.0\.113\.5 .*\[\d+\] Unban/);
    expect(stdout).toContain("✔ Unbanned 203.0.113.5 in every jail");
    expect(stdout).toMatch(/Banned in\s+no jail/);
    expect(stdout).toContain("Sandbox stopped and removed.");
    const dir = /its socket: (\/\S+)\/run\/f2b\.sock/.exec(stdout)?.[1];
    expect(dir).toBeDefined();
    expect(existsSync(dir!)).toBe(false);
    // The prompt shares the terminal with the log: routine info lines stay out of it.
    expect(demo.stderr).not.toContain('"level":30');
  });

  // Issue 14 item 10: public attackers in several countries, jobs that lift timed bans and raise a
  // spike alert with buttons in the console, and the user's BANBOT_CONFIG. Waits for the first wave
  // of attacks to be noticed, which takes up to two minutes with a detector sampling every minute.
  it("shows what BanBot does: geo on synthetic public attackers, timed bans lifted, a spike alert with buttons, the user's config", { timeout: 240_000 }, async () => {
    const config = join(configDir.path, "banbot.yaml");
    writeFileSync(config, "commands:\n  confirm_timeout: 90s\n");
    // The socket and data dir stay the sandbox's whatever the environment says.
    const demo = startDemo({ BANBOT_CONFIG: config, BANBOT_FAIL2BAN_SOCKET: "/nonexistent/f2b.sock", BANBOT_DATA_DIR: "/nonexistent/data", BANBOT_LOG_LEVEL: "info" });
    try {
      let { end: at } = await demo.waitFor(/f2b> /);
      expect(demo.stdout).toMatch(/The attacks hitting them are synthetic: random public addresses/);
      expect(demo.stdout).toMatch(/its asn table CC BY 4\.0 by RouteViews, NRO, DB-IP/);

      demo.send("ban 8.8.4.4 sshd for 3s");
      ({ end: at } = await demo.waitFor(/✔ Banned 8\.8\.4\.4 in sshd for 3s/, { from: at }));
      demo.send("stop sshd");
      ({ end: at } = await demo.waitFor(/! Confirm: stop sshd\n[\s\S]*?The button expires in 1m30s\./, { from: at }));
      demo.send("alerts test");
      ({ end: at } = await demo.waitFor(/✔ Test alert queued for 1 channel/, { from: at }));
      ({ end: at } = await demo.waitFor(/• Test alert from BanBot on /, { from: at }));

      // Notices of new bans (⚑ lines) may come between any two replies.
      const spike = await demo.waitFor(/! Ban spike in (\S+) on [^\n]*\n[\s\S]*?\n\n {2}\[1\] Show banned {3}\[2\] Mute 1h {3}\[3\] Stop jail\n/, { from: at, timeout: 200_000 });
      const jail = escapeRegExp(spike.match[1]!);
      expect(spike.match[0]).toMatch(/Countries {9}\S+ \S.* \(\d+\)\n {20}\S+ \S.* \(\d+\)\n {20}\S+ \S.* \(\d+\)/);
      demo.send("1");
      ({ end: at } = await demo.waitFor(new RegExp(`→ banned ${jail}\\n(?:⚑.*\\n)*• \\d+ banned in ${jail}\\n`), { from: spike.end }));

      // The demo asks the built-in ASN table too: networks are named, not unknown.
      expect(spike.match[0]).toMatch(/Networks {10}AS\d+/);
      demo.send("ip 8.8.4.4");
      ({ end: at } = await demo.waitFor(/• Address 8\.8\.4\.4\n {2}Location +🇺🇸 United States\n {2}Network +AS15169 Google LLC\n[\s\S]*?Banned in +no jail/, { from: at }));
      demo.send("top countries");
      const top = await demo.waitFor(/• Top countries, last 30d\n\n.*\n.*\n((?: +\d+ .*\n)+) {2}Chart: /, { from: at });
      const rows = top.match[1]!.trim().split("\n");
      expect(rows.length).toBeGreaterThanOrEqual(3);
      for (const row of rows) expect(row.trim()).toMatch(/^\d+ +[A-Z]{2} \S/);
      // Every attacker is in an AS the table names: no "unknown" row, and each number is the table's.
      demo.send("top asns");
      const asns = await demo.waitFor(/• Top asns, last 30d\n\n.*\n.*\n((?: +\d+ .*\n)+) {2}Chart: /, { from: at });
      const known = tableAsns();
      for (const row of asns.match[1]!.trim().split("\n").map((r) => r.trim())) {
        const asn = /^\d+ +AS(\d+) \S/.exec(row)?.[1];
        expect(asn, row).toBeDefined();
        expect(known.has(Number(asn)), row).toBe(true);
      }

      demo.send("exit");
      expect(await demo.exited).toBe(0);
      expect(demo.stdout).toContain("Sandbox stopped and removed.");
      // A level set in the environment holds in the demo too.
      expect(demo.stderr).toContain('"msg":"listening for ban history from fail2ban"');
    } finally {
      demo.child.kill();
    }
  });
});
