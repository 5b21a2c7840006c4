import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");

// The README's first command ends in `banbot demo`; this drives it as a newcomer would.
describe("banbot demo", () => {
  it("reaches a working console against a sandboxed fail2ban, then cleans up", { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli.ts"), "demo"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", () => undefined);
    child.stdin.end(["jails", "ban 203.0.113.5 sshd", "banned sshd 203.0.113.5", "unban 203.0.113.5", "ip 203.0.113.5", "exit", ""].join("\n"));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));

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
  });
});
