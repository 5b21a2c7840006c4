import { randomBytes } from "node:crypto";
import type { Clock } from "../../core/services.js";
import type { ActionRef } from "./components.js";

// A component carries at most 100 characters; most command lines fit and travel as themselves
// ("=banned sshd after …"), so they survive restarts. Longer ones get a random key into this map.
// In memory on purpose: such lines are rare (long search texts, IPv6 paging cursors), and after a
// restart or the TTL the click says so and the user runs the command again.

export type Resolved = { command: string } | { expired: true } | undefined;

export class ActionKeys {
  private readonly entries = new Map<string, { command: string; expires: number }>();

  constructor(private readonly opts: { ttlMs: number; cap: number; clock: Clock }) {}

  readonly ref: ActionRef = (command, room) => {
    if (command.length + 1 <= room) return `=${command}`;
    const now = this.opts.clock.now();
    this.prune(now);
    // 72 random bits: unguessable enough, and a key only runs what the clicker may run anyway.
    const key = randomBytes(9).toString("base64url");
    this.entries.set(key, { command, expires: now + this.opts.ttlMs });
    return `#${key}`;
  };

  /** The command a reference stands for; undefined when it is not one of ours. */
  resolve(ref: string): Resolved {
    if (ref.startsWith("=")) return { command: ref.slice(1) };
    if (!ref.startsWith("#")) return undefined;
    const entry = this.entries.get(ref.slice(1));
    return entry && entry.expires >= this.opts.clock.now() ? { command: entry.command } : { expired: true };
  }

  get size(): number {
    return this.entries.size;
  }

  // Every entry lives equally long, so insertion order is expiry order: prune from the front.
  private prune(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expires >= now && this.entries.size < this.opts.cap) break;
      this.entries.delete(key);
    }
  }
}
