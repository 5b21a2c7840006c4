import net from "node:net";

/**
 * A Unix-socket proxy that holds every reply from fail2ban back by `delayMs`, to play a slow
 * server (a busy host, a huge jail) without touching fail2ban itself.
 */
export async function startSlowProxy(listenPath: string, upstreamPath: string, delayMs: number): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.createConnection(upstreamPath);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined);
    }
    client.pipe(upstream);
    let chain = Promise.resolve();
    upstream.on("data", (chunk: Buffer) => {
      chain = chain.then(() => new Promise<void>((resolve) => setTimeout(resolve, delayMs))).then(() => void client.write(chunk));
    });
    upstream.on("close", () => void chain.then(() => client.end()));
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
