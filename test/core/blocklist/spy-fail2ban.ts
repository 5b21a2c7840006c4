import type { BlocklistsDeps } from "../../../src/core/blocklist/blocklists.js";
import type { BulkOptions, Fail2ban } from "../../../src/core/ports/fail2ban.js";

type Port = BlocklistsDeps["fail2ban"];

/**
 * A counting decorator on the Fail2ban port: records every call, the entries each bulk chunk
 * actually carried, and can "crash" after a number of chunks — the chunk that trips it has reached
 * fail2ban, but the importer never hears back about it, as when the process dies mid-run.
 */
export class SpyFail2ban implements Port {
  readonly calls: string[] = [];
  readonly banned: string[] = [];
  readonly unbanned: string[] = [];
  crashAfterChunks: number | undefined;
  /** Called after each chunk fail2ban answered, before the importer hears of it. */
  onChunk: ((chunks: number) => void) | undefined;
  private chunks = 0;

  constructor(private readonly inner: Fail2ban) {}

  reset(): void {
    this.calls.length = 0;
    this.banned.length = 0;
    this.unbanned.length = 0;
    this.crashAfterChunks = undefined;
    this.onChunk = undefined;
    this.chunks = 0;
  }

  status() {
    this.calls.push("status");
    return this.inner.status();
  }

  ignoreList(jail: string) {
    this.calls.push("ignoreList");
    return this.inner.ignoreList(jail);
  }

  bannedIps(jail: string) {
    this.calls.push("bannedIps");
    return this.inner.bannedIps(jail);
  }

  jailLimits(jail: string) {
    this.calls.push("jailLimits");
    return this.inner.jailLimits(jail);
  }

  ban(jail: string, ips: readonly string[], opts: BulkOptions = {}) {
    this.calls.push("ban");
    return this.inner.ban(jail, ips, this.watch(ips, this.banned, opts));
  }

  unban(jail: string | undefined, ips: readonly string[], opts: BulkOptions = {}) {
    this.calls.push("unban");
    return this.inner.unban(jail, ips, this.watch(ips, this.unbanned, opts));
  }

  private watch(ips: readonly string[], log: string[], opts: BulkOptions): BulkOptions {
    let done = 0;
    return {
      ...opts,
      onProgress: (count, total) => {
        log.push(...ips.slice(done, count));
        done = count;
        this.onChunk?.(++this.chunks);
        if (this.crashAfterChunks !== undefined && this.crashAfterChunks-- <= 0) throw new Error("simulated crash");
        opts.onProgress?.(count, total);
      },
    };
  }
}
