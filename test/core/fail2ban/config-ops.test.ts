import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isUserError } from "../../../src/core/errors.js";
import { CliConfigOps } from "../../../src/core/fail2ban/config-ops.js";
import { silentLog, useClients } from "../../harness/client.js";
import { useFail2ban } from "../../harness/fail2ban.js";

describe("CliConfigOps", () => {
  const f2b = useFail2ban();
  const connect = useClients();

  function setup(clientPath = "fail2ban-client") {
    const { fail2ban } = connect(f2b.sandbox.socketPath);
    const ops = new CliConfigOps({
      clientPath,
      configDir: join(f2b.sandbox.dir, "conf"),
      socketPath: f2b.sandbox.socketPath,
      timeoutMs: 20_000,
      log: silentLog,
      jailExists: async (jail) => (await fail2ban.status()).jails.includes(jail),
    });
    return { fail2ban, ops };
  }

  it("starts a stopped jail from its configuration", async () => {
    const { fail2ban, ops } = setup();
    await fail2ban.stopJail("beta");
    expect((await fail2ban.status()).jails).toEqual(["alpha"]);
    await ops.startJail("beta");
    expect((await fail2ban.status()).jails).toEqual(["alpha", "beta"]);
  });

  it("reloads one jail, keeping its bans unless asked to lift them", async () => {
    const { fail2ban, ops } = setup();
    await fail2ban.ban("alpha", ["192.0.2.61"]);
    await fail2ban.setIdle("alpha", true);
    await ops.reloadJail("alpha");
    expect(await fail2ban.jailsBanning(["192.0.2.61"])).toEqual([["alpha"]]);
    await ops.reloadJail("alpha", { unban: true });
    expect(await fail2ban.jailsBanning(["192.0.2.61"])).toEqual([[]]);
  });

  it("reloads every jail, bringing stopped ones back", async () => {
    const { fail2ban, ops } = setup();
    await fail2ban.stopJail("alpha");
    await ops.reloadAll();
    expect((await fail2ban.status()).jails).toEqual(["alpha", "beta"]);
  });

  it("lists the jails the configuration enables, also a stopped one", async () => {
    const { fail2ban, ops } = setup();
    await fail2ban.stopJail("beta");
    expect((await ops.configuredJails()).map((j) => `${j.name}: ${j.actions.map((a) => a.name).join(", ")}`)).toEqual(["alpha: noop", "beta: noop"]);
    await ops.startJail("beta");
  });

  it("says which jail the configuration lacks", async () => {
    const { ops } = setup();
    const err: unknown = await ops.reloadJail("nosuch").catch((e: unknown) => e);
    expect(isUserError(err, "unknown_jail")).toBe(true);
    expect(await ops.startJail("nosuch").catch((e: unknown) => (e as Error).message)).toMatch(/nosuch/);
  });

  it("says when fail2ban-client is not installed", async () => {
    const { ops } = setup("/nonexistent/fail2ban-client");
    await expect(ops.reloadAll()).rejects.toThrow(/fail2ban-client was not found/);
  });

  it("refuses a jail name that could be read as an option", async () => {
    const { ops } = setup();
    await expect(ops.reloadJail("--all")).rejects.toThrow(/not a valid jail name/);
  });
});
