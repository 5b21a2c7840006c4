import { describe, expect, it } from "vitest";
import { useClients } from "../../harness/client.js";
import { useFail2ban } from "../../harness/fail2ban.js";

// 50,000 bans make ~1.5 MB replies: larger than one socket read and than a pickle FRAME, with
// LONG_BINPUT/LONG_BINGET memo references throughout.
describe("SocketFail2ban with 50,000 bans in one jail", () => {
  const f2b = useFail2ban();
  const connect = useClients();
  const ips = Array.from({ length: 50_000 }, (_, i) => (i % 5 === 0 ? `2001:db8::${(i + 1).toString(16)}` : `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`));

  it("bans them in chunks and reads them back in every form", { timeout: 120_000 }, async () => {
    const { fail2ban } = connect(f2b.sandbox.socketPath, 60_000);
    const progress: number[] = [];
    expect(await fail2ban.ban("alpha", ips, { chunkSize: 5000, onProgress: (done) => progress.push(done) })).toBe(50_000);
    // A small first chunk (fail2ban starts at once), then 5,000 at a time.
    expect(progress).toEqual([500, ...Array.from({ length: 9 }, (_, i) => 500 + (i + 1) * 5000), 50_000]);

    const expected = new Set(ips);
    expect(new Set(await fail2ban.bannedIps("alpha"))).toEqual(expected);
    const status = await fail2ban.jailStatus("alpha");
    expect(status.currentlyBanned).toBe(50_000);
    expect(new Set(status.bannedIps)).toEqual(expected);
    const entries = await fail2ban.bans("alpha");
    expect(entries).toHaveLength(50_000);
    expect(entries.every((e) => e.banSeconds === 3600 && e.end !== undefined)).toBe(true);
    expect((await fail2ban.banned()).get("alpha")).toHaveLength(50_000);
    expect(await fail2ban.jailsBanning([ips[49_999]!, "192.0.2.1"])).toEqual([["alpha"], []]);
  });
});
