import net from "node:net";

/**
 * How the proxy reshapes one direction: each chunk held back `delayMs`, then written `pieceSize`
 * bytes per event-loop turn, `pieceDelayMs` apart (a slow link: a large reply trickles in).
 */
export interface Shaping {
  delayMs?: number;
  pieceSize?: number;
  pieceDelayMs?: number;
  /** Sees each chunk as it arrives, before it is passed on: to act at a precise moment of a request. */
  onChunk?: (chunk: Buffer) => void;
}

/**
 * A Unix-socket proxy in front of fail2ban's socket that reshapes what flows each way, to play a slow
 * server or replies split across many chunks without touching fail2ban itself.
 */
export async function startSocketProxy(
  listenPath: string,
  upstreamPath: string,
  shape: { toServer?: Shaping; toClient?: Shaping },
): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.createConnection(upstreamPath);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined);
    }
    relay(client, upstream, shape.toServer ?? {});
    relay(upstream, client, shape.toClient ?? {});
  });
  await new Promise<void>((resolve) => server.listen(listenPath, resolve));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Both directions in `pieceSize`-byte pieces, so the client sees every reply split across many chunks (and across the end marker). */
export function startChunkingProxy(listenPath: string, upstreamPath: string, pieceSize: number): Promise<{ close(): Promise<void> }> {
  return startSocketProxy(listenPath, upstreamPath, { toServer: { pieceSize }, toClient: { pieceSize } });
}

function relay(from: net.Socket, to: net.Socket, { delayMs = 0, pieceSize = Infinity, pieceDelayMs = 0, onChunk }: Shaping): void {
  let chain = Promise.resolve();
  from.on("data", (chunk: Buffer) => {
    onChunk?.(chunk);
    chain = chain.then(async () => {
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      for (let i = 0; i < chunk.length; i += pieceSize) {
        to.write(chunk.subarray(i, i + pieceSize));
        await new Promise((r) => (pieceDelayMs > 0 ? setTimeout(r, pieceDelayMs) : setImmediate(r)));
      }
    });
  });
  from.on("close", () => void chain.then(() => to.end()));
}
