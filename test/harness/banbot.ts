import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { afterAll, beforeAll } from "vitest";
import { buildCore, type Core } from "../../src/compose.js";
import { loadConfig, type Config } from "../../src/config.js";
import { CONSOLE_IDENTITY, type Identity } from "../../src/core/identity.js";
import type { Reply } from "../../src/core/reply.js";
import { silentLog } from "./client.js";
import { useFail2ban } from "./fail2ban.js";
import { migratedStore } from "./store.js";
import { useTempDir } from "./temp-dir.js";

/** A clock tests move by hand; nothing waits on real time. */
export class TestClock {
  constructor(public at = Date.UTC(2026, 10, 22, 9, 0, 0)) {}
  now(): number {
    return this.at;
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

export const slackUser = (userId: string, extra: Partial<Identity> = {}): Identity => ({ platform: "slack", userId, channelId: "C0TEST", groups: [], ...extra });

/**
 * BanBot's real core (dispatcher, commands, SQLite store) against a real fail2ban-server, for one
 * test file. `yaml` is the config file text (grants and so on).
 */
export function useBanBot(opts: { yaml?: string; env?: Record<string, string> } = {}) {
  const f2b = useFail2ban();
  const clock = new TestClock();
  const tmp = useTempDir("bb-");
  let db: Database | undefined;
  let core: Core | undefined;
  let config: Config | undefined;
  beforeAll(() => {
    const base = loadConfig({ BANBOT_FAIL2BAN_SOCKET: f2b.sandbox.socketPath, BANBOT_DATA_DIR: tmp.path, ...opts.env }, opts.yaml);
    config = { ...base, fail2ban: { ...base.fail2ban, configDir: join(f2b.sandbox.dir, "conf") } };
    db = migratedStore(join(tmp.path, "banbot.sqlite3"));
    core = buildCore(config, db, silentLog, clock);
  });
  afterAll(async () => {
    await core?.close();
    if (db?.open) db.close();
  });
  return {
    clock,
    get sandbox() {
      return f2b.sandbox;
    },
    get core(): Core {
      if (!core) throw new Error("useBanBot: only inside tests");
      return core;
    },
    get db(): Database {
      if (!db) throw new Error("useBanBot: only inside tests");
      return db;
    },
    get config(): Config {
      if (!config) throw new Error("useBanBot: only inside tests");
      return config;
    },
    run(line: string, who: Identity = CONSOLE_IDENTITY): Promise<Reply> {
      if (!core) throw new Error("useBanBot: only inside tests");
      return core.dispatcher.run(line, who);
    },
  };
}
