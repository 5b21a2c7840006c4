import { afterAll, describe, expect, it } from "vitest";
import { runDoctor } from "../../src/cli/doctor.js";
import { useFakeBanBot } from "../harness/fake-banbot.js";
import { invalidNodeCountCityDatabase, scratchDir } from "../core/geo/test-databases.js";

// A geo database that opens but throws on lookups, like MaxMind's GeoIP2-City-Test-Invalid-Node-Count
// (issue 14 item 8): commands still answer, and doctor names the file.
describe("a corrupt geo database", () => {
  const files = scratchDir();
  const path = files.write("GeoIP2-City.mmdb", invalidNodeCountCityDatabase());
  const bot = useFakeBanBot({ yaml: `geo:\n  databases: [${JSON.stringify(path)}]\n` });
  afterAll(() => files.remove());

  it("leaves ip and banned answering, from the built-in country database behind it", async () => {
    expect((await bot.run("ban 89.160.20.120 81.2.69.170 alpha")).tone).toBe("ok");
    for (const ip of ["89.160.20.120", "81.2.69.170"]) {
      const report = await bot.run(`ip ${ip}`);
      expect(report).toMatchObject({ title: `Address ${ip}`, tone: "warn" });
      expect(report.fields?.[0]?.label).toBe("Location");
    }
    const listed = await bot.run("banned alpha");
    expect(listed.title).toBe("2 banned in alpha");
    expect(listed.table?.rows.map((r) => r[0]).sort()).toEqual(["81.2.69.170", "89.160.20.120"]);
  });

  it("is reported by doctor with the address that fails and what to do", async () => {
    const lines: string[] = [];
    await runDoctor({ config: bot.config, fail2ban: bot.core.services.fail2ban, configOps: bot.core.services.configOps, out: (line) => lines.push(line) });
    expect(lines).toContainEqual(
      `✗ geo databases: ${path} (GeoLite2-City 2025-11-13) opens but a test lookup of 81.2.69.160 fails: Unknown type NaN at offset 1869509604: replace it (run geoipupdate again); meanwhile its addresses show as unknown`,
    );
  });
});
