import { gzipSync } from "node:zlib";
import type { Agent } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { downloadList, type DownloadOptions } from "../../../src/core/blocklist/download.js";
import { createGuardedAgent } from "../../../src/core/blocklist/guarded-agent.js";
import { FakeResolver } from "./fake-resolver.js";
import { redirectTo, serveList, useListServer } from "./list-server.js";

const MB = 1024 * 1024;
const LIST = "# test list\n192.0.2.1\n192.0.2.2\n";

describe(downloadList.name, () => {
  const server = useListServer();
  const resolver = new FakeResolver({ "mirror.test": ["127.0.0.1"], "evil.test": ["10.0.0.5"], "mapped.test": ["::ffff:127.0.0.1"], "mixed.test": ["93.184.216.34", "127.0.0.1"] });
  const agents: Agent[] = [];
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
  });
  const download = (url: string, opts: Partial<DownloadOptions> & { allow?: string[]; timeouts?: { headersMs?: number; bodyMs?: number } } = {}) => {
    const agent = createGuardedAgent({
      resolver,
      allowPrivateHosts: opts.allow ?? ["127.0.0.1", "mirror.test"],
      connectTimeoutMs: 2000,
      headersTimeoutMs: opts.timeouts?.headersMs ?? 5000,
      bodyTimeoutMs: opts.timeouts?.bodyMs ?? 5000,
    });
    agents.push(agent);
    return downloadList(url, { dispatcher: agent, maxBytes: 32 * MB, totalTimeoutMs: 10_000, userAgent: "test", ...opts });
  };

  it("downloads a list and keeps its validators", async () => {
    server.route("/plain", serveList(LIST, { etag: '"v1"', lastModified: "Thu, 01 Jan 2026 00:00:00 GMT" }));
    expect(await download(server.url("/plain"))).toEqual({
      status: "ok",
      text: LIST,
      bytes: LIST.length,
      validators: { etag: '"v1"', lastModified: "Thu, 01 Jan 2026 00:00:00 GMT" },
      finalUrl: server.url("/plain"),
    });
  });

  it("asks conditionally and reports an unchanged list", async () => {
    server.route("/cond", serveList(LIST, { etag: '"v2"' }));
    expect(await download(server.url("/cond"), { validators: { etag: '"v2"' } })).toEqual({ status: "unchanged" });
    expect(await download(server.url("/cond"), { validators: { etag: '"old"' } })).toMatchObject({ status: "ok", validators: { etag: '"v2"' } });
  });

  it("accepts gzip, as Content-Encoding and as a .gz file", async () => {
    server.route("/enc", serveList(LIST, { gzip: true }));
    server.route("/list.gz", serveList(gzipSync(LIST), { contentType: "application/gzip" }));
    expect(await download(server.url("/enc"))).toMatchObject({ status: "ok", text: LIST });
    expect(await download(server.url("/list.gz"))).toMatchObject({ status: "ok", text: LIST });
  });

  it("refuses other content encodings and broken gzip", async () => {
    server.route("/br", (_req, res) => {
      res.writeHead(200, { "content-encoding": "br" });
      res.end("xx");
    });
    server.route("/badgz", (_req, res) => {
      res.writeHead(200, { "content-encoding": "gzip" });
      res.end("not gzip at all");
    });
    await expect(download(server.url("/br"))).rejects.toThrow(/br-encoded content; only gzip/);
    await expect(download(server.url("/badgz"))).rejects.toThrow(/not valid gzip/);
  });

  it("stops an oversized body, announced or streamed", async () => {
    const big = Buffer.alloc(2 * MB, "1.2.3.4\n");
    server.route("/big", (_req, res) => res.end(big));
    server.route("/big-stream", (_req, res) => {
      res.writeHead(200, { "transfer-encoding": "chunked" });
      for (let i = 0; i < 8; i++) res.write(big.subarray(0, MB / 2));
      res.end();
    });
    await expect(download(server.url("/big"), { maxBytes: MB })).rejects.toThrow(/download is larger than 1 MB/);
    await expect(download(server.url("/big-stream"), { maxBytes: MB })).rejects.toThrow(/download is larger than 1 MB/);
  });

  it("stops a gzip bomb at the decompressed cap, with the default 32 MB", async () => {
    const bomb = gzipSync(Buffer.alloc(200 * MB), { level: 9 });
    expect(bomb.length).toBeLessThan(MB);
    server.route("/bomb", serveList(bomb, { gzip: false, contentType: "application/gzip" }));
    server.route("/bomb-enc", (_req, res) => {
      res.writeHead(200, { "content-encoding": "gzip" });
      res.end(bomb);
    });
    const started = performance.now();
    await expect(download(server.url("/bomb"))).rejects.toThrow(/decompressed list is larger than 32 MB/);
    await expect(download(server.url("/bomb-enc"))).rejects.toThrow(/decompressed list is larger than 32 MB/);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("follows up to three redirects, relative ones too", async () => {
    server.route("/r1", redirectTo("/r2", 301));
    server.route("/r2", redirectTo(server.url("/r3"), 307));
    server.route("/r3", redirectTo("/plain2", 308));
    server.route("/plain2", serveList(LIST));
    expect(await download(server.url("/r1"))).toMatchObject({ status: "ok", text: LIST, finalUrl: server.url("/plain2") });
    server.route("/r0", redirectTo("/r1"));
    await expect(download(server.url("/r0"))).rejects.toThrow(/More than 3 redirects/);
  });

  it.each([
    ["a loopback address", (port: number) => `http://127.0.0.1:${port}/target`, /127\.0\.0\.1 is loopback/],
    ["an IPv4-mapped loopback address", (port: number) => `http://[::ffff:127.0.0.1]:${port}/target`, /::ffff:7f00:1 is loopback/],
    ["a name resolving to a private address", (port: number) => `http://evil.test:${port}/target`, /evil\.test resolves to 10\.0\.0\.5: private network/],
    ["a link-local address", () => "http://169.254.169.254/latest/meta-data/", /169\.254\.169\.254 is link-local/],
    ["a file URL", () => "file:///etc/passwd", /Redirect refused: Only http and https/],
  ])("refuses a redirect to %s", async (_what, target, message) => {
    server.route("/hop", redirectTo(target(server.port)));
    server.route("/target", serveList(LIST));
    await expect(download(server.url("/hop", "mirror.test"), { allow: ["mirror.test"] })).rejects.toThrow(message);
    expect(server.hits("/target")).toBe(0);
  });

  it("checks every address a name resolves to at connect time", async () => {
    server.route("/dns", serveList(LIST));
    await expect(download(server.url("/dns", "mirror.test"), { allow: [] })).rejects.toThrow(/mirror\.test resolves to 127\.0\.0\.1: loopback/);
    await expect(download(server.url("/dns", "mapped.test"), { allow: [] })).rejects.toThrow(/mapped\.test resolves to ::ffff:127\.0\.0\.1: loopback/);
    await expect(download(server.url("/dns", "mixed.test"), { allow: [] })).rejects.toThrow(/mixed\.test resolves to 127\.0\.0\.1/);
    await expect(download(server.url("/dns", "nowhere.test"), { allow: [] })).rejects.toThrow(/nowhere\.test does not resolve/);
    expect(server.hits("/dns")).toBe(0);
    expect(await download(server.url("/dns", "mirror.test"), { allow: ["mirror.test"] })).toMatchObject({ status: "ok" });
  });

  it("gives up on a server that stops answering, or takes too long overall", async () => {
    server.route("/stall", () => undefined);
    server.route("/slow", (_req, res) => {
      res.writeHead(200);
      res.write("192.0.2.1\n");
    });
    await expect(download(server.url("/stall"), { timeouts: { headersMs: 200 } })).rejects.toThrow(/stopped answering/);
    await expect(download(server.url("/slow"), { timeouts: { bodyMs: 200 } })).rejects.toThrow(/stopped answering/);
    await expect(download(server.url("/slow"), { totalTimeoutMs: 300 })).rejects.toThrow(/took too long/);
  });

  it("reports HTTP errors", async () => {
    server.route("/gone", (_req, res) => {
      res.statusCode = 503;
      res.end("maintenance");
    });
    await expect(download(server.url("/gone"))).rejects.toThrow(/HTTP 503 from 127\.0\.0\.1:\d+/);
  });
});
