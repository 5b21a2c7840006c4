import { afterEach, beforeEach } from "vitest";
import type { Blocklists } from "../../../src/core/blocklist/blocklists.js";
import { buildBlocklists } from "../../../src/compose/blocklists.js";
import { useBanBot } from "../../harness/banbot.js";
import { silentLog } from "../../harness/client.js";
import { useListServer } from "./list-server.js";
import { SpyFail2ban } from "./spy-fail2ban.js";

export const YAML = "blocklists:\n  allow_private_hosts: [127.0.0.1]\n  protected: [198.51.100.200]\n";

/**
 * A real fail2ban-server and a local list server, and for every test a fresh blocklist service on
 * BanBot's store with a counting decorator on the Fail2ban port. Each test starts from an empty
 * jail and no sources. The clock is real: membership rows are compared with fail2ban's own ban times.
 */
export function useImport(opts: { chunkSize?: number } = {}) {
  const bot = useBanBot({ yaml: YAML });
  const server = useListServer();
  let current: { spy: SpyFail2ban; blocklists: Blocklists; close(): Promise<void> } | undefined;
  beforeEach(async () => {
    const fail2ban = bot.core.services.fail2ban;
    await fail2ban.unbanAll();
    bot.db.exec("DELETE FROM blocklist_members; DELETE FROM blocklist_runs; DELETE FROM blocklist_sources;");
    const spy = new SpyFail2ban(fail2ban);
    const built = buildBlocklists(bot.config.blocklists, { db: bot.db, fail2ban: spy, clock: { now: () => Date.now() }, host: "test", log: silentLog, chunkSize: opts.chunkSize ?? 50 });
    current = { spy, ...built };
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const get = () => {
    if (!current) throw new Error("useImport: only inside tests");
    return current;
  };
  return {
    bot,
    server,
    get spy() {
      return get().spy;
    },
    get blocklists() {
      return get().blocklists;
    },
    /** What fail2ban bans in the jail now, sorted. */
    async bannedIn(jail: string): Promise<string[]> {
      return (await bot.core.services.fail2ban.bannedIps(jail)).sort();
    },
    /** Adds a source for a list served at `path`; the spy starts counting after it. */
    async add(name: string, path: string, settings: { jail?: string; banMs?: number; unbanDeparted?: boolean; maxEntries?: number } = {}) {
      const source = await get().blocklists.add(name, { url: server.url(path), jail: settings.jail ?? "alpha", ...settings }, "test:test");
      get().spy.reset();
      return source;
    },
    rows(name: string) {
      return bot.db
        .prepare("SELECT m.entry, m.state, m.owned FROM blocklist_members m JOIN blocklist_sources s ON s.id = m.source_id WHERE s.name = ? ORDER BY m.entry")
        .all(name) as { entry: string; state: string; owned: number }[];
    },
  };
}

/** `count` addresses from the documentation ranges (bannable: they are nobody's infrastructure). */
export function addresses(count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return n < 200 ? `203.0.113.${n}` : `2001:db8::${(n - 199).toString(16)}`;
  });
}

export const sorted = (list: readonly string[]): string[] => [...list].sort();
