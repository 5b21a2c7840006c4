import { describe, expect, it } from "vitest";
import { isUserError } from "../../../src/core/errors.js";
import { causeBanByLog, sandboxConfigOps, useFail2ban } from "../../harness/fail2ban.js";
import { SocketFail2ban } from "../../../src/core/fail2ban/client.js";
import { Fail2banConnection } from "../../../src/core/fail2ban/connection.js";
import { silentLog, useClients } from "../../harness/client.js";

// Every client operation against a real fail2ban-server; state is checked by asking fail2ban back,
// and where it matters through a second, independent connection.

describe("SocketFail2ban", () => {
  const f2b = useFail2ban();
  const connect = useClients();
  const client = () => connect(f2b.sandbox.socketPath).fail2ban;

  it("pings and reports the server version", async () => {
    const fail2ban = client();
    await fail2ban.ping();
    expect(await fail2ban.version()).toMatch(/^\d+\.\d+/);
    expect((await fail2ban.capabilities()).multiIp).toBe(true);
  });

  it("asks fail2ban's version with its first command, so a ban's first chunk follows the risk check's ignore list at once; never with a ping", async () => {
    const seen: string[] = [];
    const conn = new Fail2banConnection({ socketPath: f2b.sandbox.socketPath, timeoutMs: 10_000, log: silentLog, observe: (e) => seen.push(e.command) });
    try {
      const fail2ban = new SocketFail2ban(conn, silentLog);
      await fail2ban.ping();
      expect(seen).toEqual(["ping"]);
      await fail2ban.ignoreList("beta");
      expect(await fail2ban.ban("beta", ["192.0.2.30", "192.0.2.31"])).toBe(2);
      expect(seen).toEqual(["ping", "version", "get ignoreip", "set banip"]);
    } finally {
      await conn.close();
    }
  });

  it("lists the jails", async () => {
    expect(await client().status()).toEqual({ jails: ["alpha", "beta"] });
  });

  it("bans IPv4 and IPv6 addresses in bulk and reports them everywhere", async () => {
    const fail2ban = client();
    expect(await fail2ban.ban("alpha", ["192.0.2.10", "2001:DB8::10", "192.0.2.10"])).toBe(2);
    const other = client();
    expect(await other.bannedIps("alpha")).toEqual(expect.arrayContaining(["192.0.2.10", "2001:db8::10"]));
    const status = await other.jailStatus("alpha");
    expect(status.currentlyBanned).toBeGreaterThanOrEqual(2);
    expect(status.bannedIps).toEqual(expect.arrayContaining(["192.0.2.10", "2001:db8::10"]));
    const short = await other.jailStatus("alpha", { short: true });
    expect(short.bannedIps).toBeUndefined();
    expect(short.currentlyBanned).toBe(status.currentlyBanned);
    expect((await other.banned()).get("alpha")).toEqual(expect.arrayContaining(["192.0.2.10", "2001:db8::10"]));
    expect(await other.jailsBanning(["2001:db8::10", "198.51.100.99"])).toEqual([["alpha"], []]);
  });

  it("hands a ban's next chunk to beforeSend while fail2ban bans the one before", async () => {
    const seen: string[] = [];
    const ips = Array.from({ length: 6 }, (_, i) => `10.83.0.${i + 1}`);
    const beforeSend = (chunk: readonly string[]) => void seen.push(`before ${chunk[0]}`);
    await client().ban("beta", ips, { chunkSize: 2, beforeSend, onProgress: (done) => void seen.push(`banned ${done}`) });
    expect(seen).toEqual(["before 10.83.0.1", "before 10.83.0.3", "banned 2", "before 10.83.0.5", "banned 4", "banned 6"]);
  });

  it("gives ban start, duration and end", async () => {
    const fail2ban = client();
    const before = Date.now();
    await fail2ban.ban("beta", ["198.51.100.20"]);
    const entry = (await fail2ban.bans("beta")).find((b) => b.ip === "198.51.100.20");
    expect(entry?.banSeconds).toBe(3600);
    expect(entry!.start!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
    expect(entry!.end!.getTime() - entry!.start!.getTime()).toBe(3_600_000);
  });

  it("sees bans fail2ban made from log lines", async () => {
    await causeBanByLog(f2b.sandbox, "beta", "203.0.113.30");
    expect(await client().jailsBanning(["203.0.113.30"])).toEqual([["beta"]]);
  });

  it("unbans in one jail, in every jail, and everything", async () => {
    const fail2ban = client();
    await fail2ban.ban("alpha", ["192.0.2.40", "192.0.2.41"]);
    await fail2ban.ban("beta", ["192.0.2.41"]);
    expect(await fail2ban.unban("alpha", ["192.0.2.40", "192.0.2.99"])).toBe(1);
    expect(await fail2ban.jailsBanning(["192.0.2.40", "192.0.2.41"])).toEqual([[], ["alpha", "beta"]]);
    expect(await fail2ban.unban(undefined, ["192.0.2.41"])).toBe(2);
    expect(await fail2ban.jailsBanning(["192.0.2.41"])).toEqual([[]]);
    await fail2ban.ban("beta", ["192.0.2.42"]);
    expect(await fail2ban.unbanAll()).toBeGreaterThanOrEqual(1);
    expect([...(await fail2ban.banned()).values()].flat()).toEqual([]);
  });

  it("unbans everywhere and names, per jail, the addresses it had banned", async () => {
    const fail2ban = client();
    await fail2ban.ban("alpha", ["192.0.2.60", "2001:db8::60", "198.51.100.0/28"]);
    await fail2ban.ban("beta", ["192.0.2.60", "192.0.2.61"]);
    const progress: number[] = [];
    const lifted = await fail2ban.unbanEverywhere(["2001:DB8::60", "192.0.2.60", "192.0.2.61", "192.0.2.62", "198.51.100.0/28"], {
      chunkSize: 2,
      onProgress: (done, total) => progress.push(done / total),
    });
    expect(lifted).toEqual(
      new Map([
        ["alpha", ["2001:db8::60", "192.0.2.60", "198.51.100.0/28"]],
        ["beta", ["192.0.2.60", "192.0.2.61"]],
      ]),
    );
    expect(progress.at(-1)).toBe(1);
    expect((await fail2ban.jailsBanning(["192.0.2.60", "192.0.2.61", "2001:db8::60"])).flat()).toEqual([]);
    expect(await fail2ban.unbanEverywhere(["192.0.2.60"])).toEqual(new Map());
  });

  it("edits the ignore list with IPs and CIDR networks", async () => {
    const fail2ban = client();
    expect(await fail2ban.addIgnore("alpha", ["10.1.0.0/16", "2001:db8:ffff::/48", "198.51.100.7"])).toEqual(
      expect.arrayContaining(["10.1.0.0/16", "2001:db8:ffff::/48", "198.51.100.7"]),
    );
    expect(await fail2ban.removeIgnore("alpha", "10.1.0.0/16")).not.toContain("10.1.0.0/16");
    expect(await client().ignoreList("alpha")).toEqual(expect.arrayContaining(["2001:db8:ffff::/48", "198.51.100.7"]));
    await expect(fail2ban.removeIgnore("alpha", "10.9.9.9")).rejects.toThrow(/not on the ignore list of alpha/);
  });

  it("toggles ignoreself and idle", async () => {
    const fail2ban = client();
    expect(await fail2ban.setIgnoreSelf("beta", true)).toBe(true);
    expect((await fail2ban.jailSettings("beta")).ignoreself).toBe(true);
    expect(await fail2ban.setIgnoreSelf("beta", false)).toBe(false);
    expect(await fail2ban.setIdle("beta", true)).toBe(true);
    expect(await fail2ban.setIdle("beta", false)).toBe(false);
  });

  it("reads a jail's settings", async () => {
    const settings = await client().jailSettings("alpha");
    expect(settings).toMatchObject({
      bantime: 3600,
      findtime: 3600,
      maxretry: 3,
      logpaths: [f2b.sandbox.logFile("alpha")],
      actions: ["noop"],
      logencoding: expect.any(String),
      bantimeIncrement: { enabled: false },
    });
    expect(settings.failregex[0]).toMatch(/^\^FAIL login from /);
    expect(settings.ignoreregex).toEqual([]);
  });

  it("reads where fail2ban keeps its database and for how long", async () => {
    const fail2ban = client();
    expect(await fail2ban.dbFile()).toBe(f2b.sandbox.dbPath);
    expect(await fail2ban.dbPurgeAgeSeconds()).toBeGreaterThan(0);
  });

  it("maps an unknown jail to a user error and changes nothing", async () => {
    const fail2ban = client();
    const err: unknown = await fail2ban.ban("nosuch", ["192.0.2.50"]).catch((e: unknown) => e);
    expect(isUserError(err, "unknown_jail")).toBe(true);
    expect((err as Error).message).toBe("fail2ban has no jail named nosuch.");
    expect(await fail2ban.jailsBanning(["192.0.2.50"])).toEqual([[]]);
  });

  it("refuses invalid addresses and jail names before sending anything", async () => {
    const fail2ban = client();
    await expect(fail2ban.ban("alpha", ["192.0.2.1", "not-an-ip"])).rejects.toThrow('"not-an-ip" is not an IP address.');
    await expect(fail2ban.ban("alpha", ["192.0.2.300"])).rejects.toThrow(/is not an IP address/);
    await expect(fail2ban.jailStatus("--all")).rejects.toThrow(/is not a valid jail name/);
    await expect(fail2ban.addIgnore("alpha", ["10.0.0.0/33"])).rejects.toThrow(/not an IP address or CIDR/);
    expect(await fail2ban.jailsBanning(["192.0.2.1"])).toEqual([[]]);
  });

  it("stops a jail, which removes it", async () => {
    const fail2ban = client();
    await fail2ban.stopJail("beta");
    expect((await fail2ban.status()).jails).toEqual(["alpha"]);
    // Back from the configuration, for the tests that use it.
    await sandboxConfigOps(f2b.sandbox).startJail("beta");
  });
});
