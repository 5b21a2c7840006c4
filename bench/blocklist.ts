import { execFile } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { fail2banAtRest, startBenchCore } from "./bench-core.js";
import { median, ms, printTable, time } from "./report.js";

const run = promisify(execFile);

const ENTRIES = 50_000;
const CHUNK = 1_000;
const RUNS = 3;

// A 50,000-entry list imported by BanBot (download from a local server, parse, filter, diff, chunked
// socket bans, membership writes) against fail2ban-client banning the same addresses in the same
// chunks; then re-imports of the unchanged list, in full and answered 304.
export async function benchBlocklist(): Promise<void> {
  const bench = await startBenchCore("blocklists:\n  allow_private_hosts: [127.0.0.1]\n");
  const { sandbox, db, core } = bench;
  const ips = Array.from({ length: ENTRIES }, (_, i) => `11.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
  const original = `# benchmark list\n${ips.join("\n")}\n`;
  // A share of the list replaced: as many entries leave as new ones arrive.
  const replaced = (n: number) => `# benchmark list\n${[...ips.slice(0, ENTRIES - n), ...ips.slice(0, n).map((ip) => ip.replace(/^11\./, "12."))].join("\n")}\n`;
  // New bytes, the same entries: what reading a changed list costs before any change is sent.
  const edited = original.replace("# benchmark list", "# benchmark list, edited");
  const changed = replaced(ENTRIES / 100);
  const changedTenth = replaced(ENTRIES / 10);
  let body = original;
  const server = createServer((req, res) => {
    res.setHeader("etag", '"bench"');
    if (req.url === "/tagged" && req.headers["if-none-match"] === '"bench"') {
      res.statusCode = 304;
      return res.end();
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const { blocklists, fail2ban } = core.services;
  const cli = (...args: string[]) => run("fail2ban-client", ["-c", join(sandbox.dir, "conf"), "-s", sandbox.socketPath, ...args], { maxBuffer: 64 << 20 });
  const fresh = async () => {
    await fail2ban.unbanAll();
    db.exec("DELETE FROM blocklist_members; DELETE FROM blocklist_runs; UPDATE blocklist_sources SET etag = NULL, last_modified = NULL, list_hash = NULL;");
  };
  // Each import is measured with fail2ban at rest, as imports hours apart meet it.
  const atRest = (jail: string) => fail2banAtRest(fail2ban, sandbox.dbPath, jail);
  const expectOk = (outcome: string, wanted: string) => {
    if (outcome !== wanted) throw new Error(`import outcome ${outcome}, expected ${wanted}`);
  };
  try {
    await blocklists.add("bench", { url: `http://127.0.0.1:${port}/plain`, jail: "alpha", maxEntries: ENTRIES }, "bench");
    await blocklists.add("tagged", { url: `http://127.0.0.1:${port}/tagged`, jail: "beta", maxEntries: ENTRIES }, "bench");
    const first: number[] = [];
    const client: number[] = [];
    const again: number[] = [];
    const notModified: number[] = [];
    const noEntryChanged: number[] = [];
    const onePercent: number[] = [];
    const tenPercent: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      await fresh();
      first.push(await time(async () => expectOk((await blocklists.runImport("bench")).outcome, "ok")));
      if ((await fail2ban.jailStatus("alpha", { short: true })).currentlyBanned !== ENTRIES) throw new Error("import lost addresses");
      // Later imports come hours apart, not while fail2ban still records the first one's bans.
      await atRest("alpha");
      again.push(await time(async () => expectOk((await blocklists.runImport("bench")).outcome, "unchanged")));
      body = edited;
      noEntryChanged.push(await time(async () => expectOk((await blocklists.runImport("bench")).outcome, "ok")));
      body = changed;
      await atRest("alpha");
      onePercent.push(await time(async () => expectOk((await blocklists.runImport("bench")).outcome, "ok")));
      body = changedTenth;
      await atRest("alpha");
      tenPercent.push(await time(async () => expectOk((await blocklists.runImport("bench")).outcome, "ok")));
      body = original;
      await blocklists.runImport("tagged");
      await atRest("beta");
      notModified.push(await time(async () => expectOk((await blocklists.runImport("tagged")).outcome, "unchanged")));
      await fresh();
      client.push(
        await time(async () => {
          for (let i = 0; i < ips.length; i += CHUNK) await cli("set", "alpha", "banip", ...ips.slice(i, i + CHUNK));
        }),
      );
      // The next round's first import does not meet fail2ban still recording these.
      await atRest("alpha");
    }
    const base = median(client);
    const full = median(first);
    const ratio = (v: number, of: number) => `${(v / of).toFixed(2)}×`;
    const share = (v: number) => `${((v / full) * 100).toFixed(1)}%`;
    const verdict = (ok: boolean) => (ok ? "✔ meets target" : "✘ misses target");
    // Proportional: a changed list costs reading it (the edited list with no entry changed) plus, per
    // address banned or unbanned, about what the first import paid per address it banned.
    const perAddress = full / ENTRIES;
    const reading = median(noEntryChanged);
    const fixed = (what: string, v: number) => [what, ms(v), share(v), "", "< 5% of first import", verdict(v < 0.05 * full)];
    const change = (what: string, v: number, addresses: number) => {
      const each = (v - reading) / addresses;
      return [what, ms(v), share(v), `${ms(each)} (${ratio(each, perAddress)})`, "≤ 1.5× first import's", verdict(each <= 1.5 * perAddress)];
    };
    printTable(
      `Blocklist import, ${ENTRIES.toLocaleString("en")} entries in chunks of ${CHUNK}, median of ${RUNS}; a change's cost per address banned or unbanned is its time over reading the list, against the first import's per address banned`,
      ["what", "time", "of first import", "per address changed", "target", "verdict"],
      [
        ["BanBot first import (download, parse, diff, ban, record)", ms(full), "100%", `${ms(perAddress)} (1.00×)`, "≤ 1.2× fail2ban-client", `${ratio(full, base)}: ${verdict(full <= 1.2 * base)}`],
        ["fail2ban-client set alpha banip, same chunks", ms(base), share(base), "", "", ""],
        fixed("BanBot re-import, unchanged list downloaded in full", median(again)),
        fixed("BanBot re-import, server answers 304", median(notModified)),
        // The fixed part of a change, in proportion to the list's size: no target of its own.
        ["BanBot import of the list edited, no entry changed (reading it)", ms(reading), share(reading), "", "", ""],
        change("BanBot import of the list with 1% changed (+500 −500)", median(onePercent), (2 * ENTRIES) / 100),
        change("BanBot import of a list with 10% changed (+4,500 −4,500 from the 1% list)", median(tenPercent), (2 * 9 * ENTRIES) / 100),
      ],
    );
  } finally {
    server.closeAllConnections();
    server.close();
    await bench.close();
  }
}
