import net from "node:net";

/**
 * A Unix-socket proxy that forwards both directions in tiny pieces, one per event-loop turn, so the
 * client sees every reply split across many chunks (and across the end marker).
 */
export async function startChunkingProxy(listenPath: string, upstreamPath: string, pieceSize: number): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.createConnection(upstreamPath);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined);
    }
    relay(client, upstream, pieceSize);
    relay(upstream, client, pieceSize);
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

function relay(from: net.Socket, to: net.Socket, pieceSize: number): void {
  let chain = Promise.resolve();
  from.on("data", (chunk: Buffer) => {
    chain = chain.then(async () => {
      for (let i = 0; i < chunk.length; i += pieceSize) {
        to.write(chunk.subarray(i, i + pieceSize));
        await new Promise((r) => setImmediate(r));
      }
    });
  });
  from.on("close", () => void chain.then(() => to.end()));
}
