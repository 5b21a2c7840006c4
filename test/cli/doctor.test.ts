import net from "node:net";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useFail2ban } from "../harness/fail2ban.js";
import { spawnBanbot } from "../harness/spawn-banbot.js";
import { useTempDir } from "../harness/temp-dir.js";

// `banbot doctor` as the operator runs it, in a shell.
describe("banbot doctor", () => {
  const f2b = useFail2ban();
  const tmp = useTempDir("bb-doc-");

  const doctor = async (socket: string, yaml = "") => {
    const config = join(tmp.path, "banbot.yaml");
    await writeFile(config, yaml);
    const run = spawnBanbot(["doctor"], { PATH: process.env.PATH, HOME: process.env.HOME, BANBOT_CONFIG: config, BANBOT_DATA_DIR: join(tmp.path, "data"), BANBOT_FAIL2BAN_SOCKET: socket });
    await run.exited;
    return run.stdout().split("\n");
  };

  it("says fail2ban answered a ping, and how ban spikes are detected", { timeout: 30_000 }, async () => {
    const lines = await doctor(f2b.sandbox.socketPath);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^✓ fail2ban socket: fail2ban 1\\.\\d+\\.\\d+ answered a ping on ${f2b.sandbox.socketPath} in \\d+ ms, with 2 jail\\(s\\)$`)));
    // The counter fallback works, later than the capture would: a warning, not a failure.
    expect(lines).toContain(
      "⚠ spike detection: from fail2ban's ban counter once a minute for alpha, beta: the history capture is not installed there (docs/history.md)",
    );
    expect(lines).toContain(
      "✓ geo databases: none configured: the built-in country database (geo-whois-asn-country); no AS numbers: `ip` and `top asns` show networks as unknown (add a GeoLite2-ASN file or set geo.builtin_asn: docs/geo.md)",
    );
  });

  it("does not take a socket that accepts connections for a running fail2ban (systemd socket activation)", { timeout: 30_000 }, async () => {
    const path = join(tmp.path, "activated.sock");
    const held = net.createServer((s) => s.on("error", () => undefined));
    await new Promise<void>((r) => held.listen(path, r));
    try {
      const lines = await doctor(path, "fail2ban:\n  timeout: 500ms\n");
      expect(lines).toContain(
        `✗ fail2ban socket: ${path}: The socket accepts connections, but nothing answered a ping within 500ms: fail2ban is hung, or the socket is systemd's (socket activation, fail2ban 1.1.1 and later) and fail2ban did not start. Check \`systemctl status fail2ban\` and fail2ban's log.`,
      );
    } finally {
      held.close();
    }
  });
});
