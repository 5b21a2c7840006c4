import { createServer, type Server } from "node:http";
import type { Logger } from "pino";
import type { Registry } from "prom-client";

export interface HealthReport {
  healthy: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/** `/healthz` (200 or 503 with the checks as JSON) and `/metrics` (Prometheus text) on loopback by default. */
export async function startOpsServer(opts: {
  port: number;
  host: string;
  registry: Registry;
  health: () => Promise<HealthReport>;
  log: Logger;
}): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const answer = async () => {
      if (req.method !== "GET") {
        res.writeHead(405).end();
      } else if (path === "/healthz") {
        const report = await opts.health();
        res.writeHead(report.healthy ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(report));
      } else if (path === "/metrics") {
        res.writeHead(200, { "content-type": opts.registry.contentType }).end(await opts.registry.metrics());
      } else {
        res.writeHead(404).end();
      }
    };
    answer().catch((err: unknown) => {
      opts.log.error({ err, path }, "ops endpoint failed");
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, resolve);
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : opts.port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
