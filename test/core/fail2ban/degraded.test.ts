import { describe, expect, it } from "vitest";
import { capabilitiesFor, type Capabilities } from "../../../src/core/fail2ban/capabilities.js";
import { SocketFail2ban } from "../../../src/core/fail2ban/client.js";
import type { Fail2banConnection } from "../../../src/core/fail2ban/connection.js";
import { silentLog, useClients } from "../../harness/client.js";
import { useFail2ban } from "../../harness/fail2ban.js";

// Only fail2ban 1.0.2 is installable here, so the fallbacks for older servers run against it with
// the capabilities of an older version: each must give the same answer as the direct command.
class AsIfVersion extends SocketFail2ban {
  constructor(
    conn: Fail2banConnection,
    private readonly pretend: string,
  ) {
    super(conn, silentLog);
  }

  override capabilities(): Promise<Capabilities> {
    return Promise.resolve(capabilitiesFor(this.pretend));
  }
}

describe("SocketFail2ban on servers older than 1.0", () => {
  const f2b = useFail2ban();
  const connect = useClients();

  it.each(["0.10.4", "0.10.5", "0.11.1"])("GIVEN fail2ban %s THEN the fallbacks agree with the direct commands", async (version) => {
    const { conn, fail2ban: modern } = connect(f2b.sandbox.socketPath);
    const old = new AsIfVersion(conn, version);
    expect(await old.ban("alpha", ["192.0.2.80", "2001:db8::80"])).toBe(2);
    await modern.ban("beta", ["192.0.2.81"]);

    expect(new Set(await old.bannedIps("alpha"))).toEqual(new Set(await modern.bannedIps("alpha")));
    expect(await old.banned()).toEqual(await modern.banned());
    expect(await old.jailsBanning(["192.0.2.81", "192.0.2.80", "192.0.2.99"])).toEqual([["beta"], ["alpha"], []]);
    expect((await old.bans("alpha")).map((b) => b.ip).sort()).toEqual((await modern.bans("alpha")).map((b) => b.ip).sort());
    const short = await old.jailStatus("alpha", { short: true });
    expect(short.bannedIps).toBeUndefined();
    expect(short.currentlyBanned).toBe(2);
    expect(await old.addIgnore("alpha", ["10.0.0.0/8", "198.51.100.1"])).toEqual(expect.arrayContaining(["10.0.0.0/8", "198.51.100.1"]));
    const settings = await old.jailSettings("alpha");
    expect(settings.maxretry).toBe(3);
    expect(settings.bantimeIncrement === undefined).toBe(!capabilitiesFor(version).banipGet);

    await modern.ban("beta", ["192.0.2.82"]);
    expect(await old.unbanEverywhere(["192.0.2.82", "192.0.2.83"])).toEqual(new Map([["beta", ["192.0.2.82"]]]));
    expect(await old.unban("alpha", ["192.0.2.80", "2001:db8::80"])).toBe(2);
    expect(await modern.unbanAll()).toBe(1);
    await modern.removeIgnore("alpha", "10.0.0.0/8");
    await modern.removeIgnore("alpha", "198.51.100.1");
  });
});
