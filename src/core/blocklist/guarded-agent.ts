import type { LookupAddress, LookupOptions } from "node:dns";
import { isIP } from "node:net";
import { Agent, buildConnector } from "undici";
import { DownloadError, refusal } from "./destination.js";
import type { Resolver } from "./resolver.js";

export interface GuardedAgentOptions {
  resolver: Resolver;
  allowPrivateHosts: readonly string[];
  connectTimeoutMs: number;
  /** Until the response headers arrive. */
  headersTimeoutMs: number;
  /** Longest silence while the body streams. */
  bodyTimeoutMs: number;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * An undici Agent that refuses to connect to private or special addresses. Three checks, because
 * each alone has a gap: an IP literal in the URL never reaches `lookup`; `lookup` sees every address
 * a name resolves to *for this connection* (so an answer that changed since the source was saved
 * is caught, and a single bad address refuses the whole name rather than racing to a good one);
 * and the connected socket's peer is checked last, against anything that bypassed the two.
 */
export function createGuardedAgent(opts: GuardedAgentOptions): Agent {
  const lookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    opts.resolver.resolve(hostname).then(
      (answers) => {
        const why = answers.map((a) => refusal(hostname, a, opts.allowPrivateHosts)).find((r) => r !== undefined);
        if (why) return callback(new DownloadError(why), "");
        const family = typeof options.family === "number" ? options.family : 0;
        const usable = answers.filter((a) => family === 0 || isIP(a) === family);
        if (usable.length === 0) return callback(new DownloadError(`${hostname} has no address to connect to.`), "");
        if (options.all) return callback(null, usable.map((address) => ({ address, family: isIP(address) })));
        return callback(null, usable[0]!, isIP(usable[0]!));
      },
      (err: NodeJS.ErrnoException) => callback(new DownloadError(`${hostname} does not resolve (${err.code ?? err.message}).`), ""),
    );
  };
  const base = buildConnector({ timeout: opts.connectTimeoutMs, lookup });
  const connect: buildConnector.connector = (target, callback) => {
    const literal = isIP(target.hostname) !== 0 ? refusal(target.hostname, target.hostname, opts.allowPrivateHosts) : undefined;
    if (literal) return callback(new DownloadError(literal), null);
    base(target, (err, socket) => {
      if (err || !socket) return callback(err ?? new DownloadError("connection failed"), null);
      const peer = socket.remoteAddress;
      const late = peer === undefined ? "the connection has no peer address" : refusal(target.hostname, peer, opts.allowPrivateHosts);
      if (late) {
        socket.destroy();
        return callback(new DownloadError(late), null);
      }
      callback(null, socket);
    });
  };
  return new Agent({ connect, headersTimeout: opts.headersTimeoutMs, bodyTimeout: opts.bodyTimeoutMs, connections: 4 });
}
