import type { Database } from "better-sqlite3";
import { afterEach, beforeEach } from "vitest";
import { buildCore, type Core } from "../../src/compose.js";
import { loadConfig, type Config } from "../../src/config.js";
import { CONSOLE_IDENTITY, type Identity } from "../../src/core/identity.js";
import type { Reply } from "../../src/core/reply.js";
import { FakeFail2ban, fakeConfigOps, type FakeJail } from "../fakes/fake-fail2ban.js";
import { TestClock } from "./banbot.js";
import { silentLog } from "./client.js";
import { migratedStore } from "./store.js";
import { TEST_JAILS } from "./test-jails.js";
import { useTempDir } from "./temp-dir.js";

/**
 * BanBot's real core (dispatcher, commands, SQLite store in memory) on a FakeFail2ban and a test
 * clock that both share. Everything is built anew for each test, so no test sees another's bans,
 * counters, confirmations or audit rows. For what the fake does not model (fail2ban's database, the
 * history capture, reloads from the configuration), use useBanBot and a real server.
 */
export function useFakeBanBot(opts: { yaml?: string; env?: Record<string, string>; jails?: readonly FakeJail[] } = {}) {
  const tmp = useTempDir("bbf-");
  let current: { clock: TestClock; fail2ban: FakeFail2ban; db: Database; core: Core; config: Config } | undefined;
  beforeEach(() => {
    const clock = new TestClock();
    const fail2ban = new FakeFail2ban({ jails: opts.jails ?? TEST_JAILS, now: () => clock.now() });
    // The socket is never opened: the core is given the fake.
    const config = loadConfig({ BANBOT_FAIL2BAN_SOCKET: "/nonexistent/fail2ban.sock", BANBOT_DATA_DIR: tmp.path, ...opts.env }, opts.yaml);
    const db = migratedStore();
    const core = buildCore(config, db, silentLog, clock, { fail2ban, configOps: fakeConfigOps(fail2ban) });
    current = { clock, fail2ban, db, core, config };
  });
  afterEach(async () => {
    await current?.core.close();
    if (current?.db.open) current.db.close();
    current = undefined;
  });
  const need = () => {
    if (!current) throw new Error("useFakeBanBot: only inside tests");
    return current;
  };
  return {
    get clock(): TestClock {
      return need().clock;
    },
    get fail2ban(): FakeFail2ban {
      return need().fail2ban;
    },
    get core(): Core {
      return need().core;
    },
    get db(): Database {
      return need().db;
    },
    get config(): Config {
      return need().config;
    },
    run(line: string, who: Identity = CONSOLE_IDENTITY): Promise<Reply> {
      return need().core.dispatcher.run(line, who);
    },
  };
}
