import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveSandboxJails, sandboxPaths, writeSandboxConfig } from "../../src/sandbox/sandbox-config.js";
import type { SandboxJail } from "../../src/sandbox/sandbox-config.js";

describe("sandboxPaths", () => {
  it("refuses a directory whose socket path would not fit in sun_path", () => {
    expect(() => sandboxPaths(`/tmp/${"d".repeat(100)}`)).toThrow(/too long for a Unix socket/);
    expect(sandboxPaths("/tmp/f2b-abcdef").socketPath).toBe("/tmp/f2b-abcdef/run/f2b.sock");
  });
});

describe("resolveSandboxJails", () => {
  const jail = (over: Partial<SandboxJail>): SandboxJail => ({ name: "j", failregex: ["^x <HOST>$"], ...over });

  it("applies the defaults", () => {
    expect(resolveSandboxJails([jail({})])).toEqual([
      { name: "j", failregex: ["^x <HOST>$"], maxretry: 3, findtime: 600, bantime: 600, ignoreip: [] },
    ]);
  });

  it.each([
    ["a name that is not a plain word", jail({ name: "a b" }), /jail name/],
    ["the DEFAULT section name", jail({ name: "DEFAULT" }), /jail name/],
    ["no failregex", jail({ failregex: [] }), /no failregex/],
    ["a fractional maxretry", jail({ maxretry: 1.5 }), /not an integer/],
    ["an ignoreip entry with a space", jail({ ignoreip: ["1.2.3.4 5.6.7.8"] }), /bad ignoreip/],
  ])("rejects %s", (_what, bad, message) => {
    expect(() => resolveSandboxJails([bad])).toThrow(message);
  });

  it("rejects duplicate jails", () => {
    expect(() => resolveSandboxJails([jail({}), jail({})])).toThrow(/duplicate/);
  });
});

describe("writeSandboxConfig", () => {
  it("escapes % for fail2ban's interpolation and writes one filter per jail", async () => {
    const dir = await mkdtemp(join(tmpdir(), "f2b-"));
    try {
      const paths = sandboxPaths(dir);
      const jails = resolveSandboxJails([{ name: "pct", failregex: ["^100% bad <HOST>$", "^worse <HOST>$"] }]);
      await writeSandboxConfig(paths, jails, { dbpurgeage: "1d" });
      const filter = await readFile(join(paths.confDir, "filter.d", "pct.conf"), "utf8");
      expect(filter).toContain("failregex = ^100%% bad <HOST>$\n            ^worse <HOST>$\n");
      expect(await readFile(paths.logFile("pct"), "utf8")).toBe("");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("writeSandboxConfig with extra actions", () => {
  it("copies a Python action into action.d and adds it to every jail with its options", async () => {
    const dir = await mkdtemp(join(tmpdir(), "f2b-"));
    try {
      const paths = sandboxPaths(dir);
      const file = join(dir, "report.py");
      await writeFile(file, "# action\n");
      const jails = resolveSandboxJails([{ name: "j", failregex: ["^x <HOST>$"] }]);
      await writeSandboxConfig(paths, jails, { dbpurgeage: "1d", extraActions: [{ file, options: { socket: "/tmp/50%.sock", retry: "1" } }] });
      expect(await readFile(join(paths.confDir, "action.d", "report.py"), "utf8")).toBe("# action\n");
      expect(await readFile(join(paths.confDir, "jail.conf"), "utf8")).toContain('action = %(banaction)s\n         report.py[socket="/tmp/50%%.sock", retry="1"]\n');
      await expect(writeSandboxConfig(paths, jails, { dbpurgeage: "1d", extraActions: [{ file, options: { socket: 'a"b' } }] })).rejects.toThrow(/unsupported option/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
