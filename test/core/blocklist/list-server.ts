import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll } from "vitest";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface ServeOptions {
  etag?: string;
  lastModified?: string;
  /** gzip Content-Encoding. */
  gzip?: boolean;
  contentType?: string;
}

/** A list served like a real host does: 200 with validators, or 304 when the client's validators match. */
export function serveList(text: string | Buffer, opts: ServeOptions = {}): Handler {
  return (req, res) => {
    const fresh = (opts.etag !== undefined && req.headers["if-none-match"] === opts.etag) || (opts.lastModified !== undefined && req.headers["if-modified-since"] === opts.lastModified);
    if (opts.etag) res.setHeader("etag", opts.etag);
    if (opts.lastModified) res.setHeader("last-modified", opts.lastModified);
    if (fresh) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.setHeader("content-type", opts.contentType ?? "text/plain");
    if (opts.gzip) res.setHeader("content-encoding", "gzip");
    res.end(opts.gzip ? gzipSync(text) : text);
  };
}

export function redirectTo(location: string, status = 302): Handler {
  return (_req, res) => {
    res.writeHead(status, { location });
    res.end();
  };
}

/** A local HTTP server on 127.0.0.1 for one test file; routes are set by the tests. */
export function useListServer() {
  let server: Server | undefined;
  let port = 0;
  const routes = new Map<string, Handler>();
  const hits = new Map<string, number>();
  beforeAll(async () => {
    const created = createServer((req, res) => {
      const path = req.url ?? "/";
      hits.set(path, (hits.get(path) ?? 0) + 1);
      const handler = routes.get(path);
      if (handler) return handler(req, res);
      res.statusCode = 404;
      res.end("not found");
    });
    server = created;
    await new Promise<void>((resolve) => created.listen(0, "127.0.0.1", resolve));
    port = (created.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
  });
  return {
    get port(): number {
      return port;
    },
    url(path: string, host = "127.0.0.1"): string {
      return `http://${host}:${port}${path}`;
    },
    route(path: string, handler: Handler): void {
      routes.set(path, handler);
    },
    hits(path: string): number {
      return hits.get(path) ?? 0;
    },
  };
}
