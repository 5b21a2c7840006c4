import type { Database } from "better-sqlite3";
import { lockHolderReader } from "./job-runs.js";
import type { LockHolder } from "../core/ports/job-runs.js";

/**
 * A lease row in SQLite so that two BanBot processes on one data dir never both run jobs (two
 * timed-ban expiries, two alert posts). The holder renews it; a holder whose heartbeat is older than
 * `staleAfterMs` is presumed dead and replaced.
 */
export class InstanceLock {
  private readonly read;
  private readonly upsert;
  private readonly beat;
  private readonly drop;

  constructor(
    private readonly db: Database,
    readonly owner: string,
    private readonly staleAfterMs: number,
  ) {
    this.read = lockHolderReader(db);
    this.upsert = db.prepare<[string, number, number]>(
      "INSERT INTO instance_lock (id, owner, acquired_at, heartbeat_at) VALUES (1, ?, ?, ?) " +
        "ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at",
    );
    this.beat = db.prepare<[number, string]>("UPDATE instance_lock SET heartbeat_at = ? WHERE id = 1 AND owner = ?");
    this.drop = db.prepare<[string]>("DELETE FROM instance_lock WHERE id = 1 AND owner = ?");
  }

  /** Takes or renews the lease; false while another live process holds it. */
  tryHold(now: number): boolean {
    // IMMEDIATE: two processes must not both read "free" and both take it.
    return this.db
      .transaction(() => {
        const row = this.read();
        if (row?.owner === this.owner) return this.beat.run(now, this.owner).changes === 1;
        if (row && now - row.heartbeatAt < this.staleAfterMs) return false;
        this.upsert.run(this.owner, now, now);
        return true;
      })
      .immediate();
  }

  holder(): LockHolder | undefined {
    return this.read();
  }

  release(): void {
    this.drop.run(this.owner);
  }
}
