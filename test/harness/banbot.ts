import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { afterAll, beforeAll } from "vitest";
import { buildCore, type Core } from "../../src/compose.js";
import { loadConfig, type Config } from "../../src/config.js";
import { historyActionFile } from "../../src/cli/capture-check.js";
import type { HistoryListener } from "../../src/core/history/listener.js";
import { CONSOLE_IDENTITY, type Identity } from "../../src/core/identity.js";
import type { SandboxJail } from "../../src/sandbox/fail2ban-sandbox.js";
import type { Reply } from "../../src/core/reply.js";
import { capturedLog, type LogEntry } from "./client.js";
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
  /** Stops the clock where it is (`advance` still moves it) and says when; a TestClock never runs. */
  hold(): number {
    return this.now();
  }
}

/**
 * Real time, moved ahead by hand: for tests where fail2ban's own clock matters (the capture dates
 * events by it, and BanBot's notes must fall near them).
 */
export class RealTimeClock extends TestClock {
  private offset = 0;
  private held: number | undefined;
  override now(): number {
    return this.held ?? Date.now() + this.offset;
  }
  override advance(ms: number): void {
    if (this.held !== undefined) this.held += ms;
    else this.offset += ms;
  }
  /** For assertions on what BanBot computes from "now" (an end shown as "in 59m58s"), however slowly it runs. */
  override hold(): number {
    this.held = this.now();
    return this.held;
  }
}

export const slackUser = (userId: string, extra: Partial<Identity> = {}): Identity => ({ platform: "slack", userId, channelId: "C0TEST", groups: [], ...extra });

/**
 * BanBot's real core (dispatcher, commands, SQLite store) against a real fail2ban-server, for one
 * test file. `yaml` is the config file text (grants and so on). With `capture`, every jail runs
 * BanBot's history action and BanBot listens to it, as `banbot start` does.
 */
export function useBanBot(opts: { yaml?: string; env?: Record<string, string>; jails?: readonly SandboxJail[]; capture?: boolean } = {}) {
  // The action must know the socket before fail2ban starts, so it cannot live in the temp dir.
  const historySocket = join(tmpdir(), `bbh-${randomBytes(4).toString("hex")}.sock`);
  const f2b = useFail2ban({
    ...(opts.jails ? { jails: opts.jails } : {}),
    ...(opts.capture ? { extraActions: [{ file: historyActionFile(), options: { socket: historySocket, retry: "0.2" } }] } : {}),
  });
  const clock = opts.capture ? new RealTimeClock() : new TestClock();
  const tmp = useTempDir("bb-");
  let db: Database | undefined;
  let core: Core | undefined;
  let config: Config | undefined;
  let listener: HistoryListener | undefined;
  // Kept so that a test meeting an incident can say what it was.
  const logged = capturedLog("error");
  beforeAll(async () => {
    const base = loadConfig({ BANBOT_FAIL2BAN_SOCKET: f2b.sandbox.socketPath, BANBOT_DATA_DIR: tmp.path, ...opts.env }, opts.yaml);
    config = {
      ...base,
      fail2ban: { ...base.fail2ban, configDir: join(f2b.sandbox.dir, "conf") },
      history: { ...base.history, socket: opts.capture ? historySocket : base.history.socket },
    };
    db = migratedStore(join(tmp.path, "banbot.sqlite3"));
    core = buildCore(config, db, logged.log, clock);
    if (opts.capture) listener = await core.services.history.listen({ path: historySocket, mode: 0o600 });
  });
  afterAll(async () => {
    await listener?.close();
    await core?.close();
    if (db?.open) db.close();
  });
  return {
    clock,
    /** The capture's listener (with `capture`). */
    get listener(): HistoryListener {
      if (!listener) throw new Error("useBanBot: the listener needs `capture: true`, inside tests");
      return listener;
    },
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
    /** What BanBot logged at level error (an incident's cause), for a failing assertion's message. */
    get errors(): readonly LogEntry[] {
      return logged.entries;
    },
    /** fail2ban round trips of this command (`get banip`, `banned`, …) BanBot has made, per its metrics. */
    async roundTrips(command: string): Promise<number> {
      if (!core) throw new Error("useBanBot: only inside tests");
      const text = await core.metrics.registry.getSingleMetricAsString("banbot_fail2ban_round_trip_seconds");
      const counts = [...text.matchAll(/_count\{command="([^"]*)",outcome="\w+"\} (\d+)/g)].filter((m) => m[1] === command);
      return counts.reduce((n, m) => n + Number(m[2]), 0);
    },
    run(line: string, who: Identity = CONSOLE_IDENTITY): Promise<Reply> {
      if (!core) throw new Error("useBanBot: only inside tests");
      return core.dispatcher.run(line, who);
    },
  };
}
