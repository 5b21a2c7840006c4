import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Agent } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGeoFallback, HttpsGeoFallback, parseFallbackAnswer } from "../../../src/core/geo/fallback.js";
import { GeoService } from "../../../src/core/geo/service.js";
import { createGeoCacheStore } from "../../../src/store/geo-cache.js";
import { FakeGeoDatabases, FakeGeoReader } from "../../fakes/geo-reader.js";
import { capturedLog, silentLog } from "../../harness/client.js";
import { migratedStore } from "../../harness/store.js";

const FIXTURES = join(import.meta.dirname, "../../fixtures/geo");

describe("parseFallbackAnswer", () => {
  it.each([
    ["ipinfo.io", { ip: "8.8.8.8", city: "Mountain View", country: "US", org: "AS15169 Google LLC" }, { countryCode: "US", countryName: "United States", city: "Mountain View", asn: 15169, org: "Google LLC" }],
    ["ipapi.co", { country_code: "DE", country_name: "Germany", city: "Berlin", asn: "AS3320", org: "Deutsche Telekom AG" }, { countryCode: "DE", countryName: "Germany", city: "Berlin", asn: 3320, org: "Deutsche Telekom AG" }],
    ["ipwho.is", { success: true, country: "Sweden", country_code: "SE", city: null, connection: { asn: 1257, org: "Tele2" } }, { countryCode: "SE", countryName: "Sweden", asn: 1257, org: "Tele2" }],
    ["ip-api.com", { status: "success", country: "Japan", countryCode: "JP", city: "Tokyo", as: "AS2516 KDDI CORPORATION", isp: "KDDI" }, { countryCode: "JP", countryName: "Japan", city: "Tokyo", asn: 2516, org: "KDDI CORPORATION" }],
  ])("reads %s's answer", (_service, body, expected) => {
    expect(parseFallbackAnswer(body, "svc (online)")).toEqual({ ...expected, source: "svc (online)" });
  });

  it.each([
    ["a bogon", { ip: "10.0.0.1", bogon: true }],
    ["a failure flag", { success: false, message: "Invalid IP address" }],
    ["a failed status", { status: "fail", message: "reserved range" }],
    ["an error", { error: true, reason: "RateLimited" }],
    ["nothing useful", { ip: "5.6.7.8", city: "Somewhere" }],
    ["AS 0, which is no AS (RFC 7607)", { ip: "5.6.7.8", asn: 0 }],
    ["no object", "Too many requests"],
  ])("reads %s as no answer", (_what, body) => {
    expect(parseFallbackAnswer(body, "svc")).toBeUndefined();
  });
});

describe("createGeoFallback", () => {
  it("is off, silently, unless enabled", () => {
    const { log, entries } = capturedLog("info");
    expect(createGeoFallback({ enabled: false, urlTemplate: "https://ipinfo.io/{ip}/json", timeoutMs: 5_000 }, log)).toBeUndefined();
    expect(entries).toEqual([]);
  });

  it("warns at startup when enabled, naming the service addresses are sent to", () => {
    const { log, entries } = capturedLog("info");
    const fallback = createGeoFallback({ enabled: true, urlTemplate: "https://ipinfo.io/{ip}/json", timeoutMs: 5_000 }, log);
    expect(fallback?.name).toBe("ipinfo.io");
    expect(entries).toEqual([expect.objectContaining({ level: 40, service: "ipinfo.io", msg: expect.stringContaining("sent to an online service") })]);
  });

  it("refuses anything but https", () => {
    expect(() => new HttpsGeoFallback({ urlTemplate: "http://ip-api.com/json/{ip}", timeoutMs: 5_000 })).toThrow("must use https");
  });
});

describe("the fallback against a local HTTPS service", () => {
  let server: Server;
  let base: string;
  const requests: string[] = [];
  const dispatcher = new Agent({ connect: { ca: readFileSync(join(FIXTURES, "localhost.crt")) } });

  beforeAll(async () => {
    server = createServer({ key: readFileSync(join(FIXTURES, "localhost.key")), cert: readFileSync(join(FIXTURES, "localhost.crt")) }, (req, res) => {
      requests.push(req.url ?? "");
      const ip = decodeURIComponent((req.url ?? "").split("/")[1] ?? "");
      if (ip === "5.6.7.8") res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ country: "DE", org: "AS3320 Deutsche Telekom AG" }));
      else if (ip === "9.9.9.9") res.writeHead(429).end("slow down");
      else if (ip === "4.4.4.4") res.writeHead(302, { location: `http://127.0.0.1:1/${ip}` }).end();
      else if (ip === "3.3.3.3") return; // never answers
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await dispatcher.close();
  });
  beforeEach(() => {
    requests.length = 0;
  });

  const fallback = (timeoutMs = 2_000) => new HttpsGeoFallback({ urlTemplate: `${base}/{ip}/json`, timeoutMs, dispatcher });

  it("answers, and tells a miss from a failure", async () => {
    expect(await fallback().lookup("5.6.7.8")).toEqual({
      kind: "found",
      info: { countryCode: "DE", countryName: "Germany", asn: 3320, org: "Deutsche Telekom AG", source: `${base.slice(8)} (online)` },
    });
    expect(await fallback().lookup("6.6.6.6")).toEqual({ kind: "not-found" });
    expect(await fallback().lookup("9.9.9.9")).toEqual({ kind: "failed", reason: "HTTP 429" });
    expect(requests).toEqual(["/5.6.7.8/json", "/6.6.6.6/json", "/9.9.9.9/json"]);
  });

  it("gives up after its timeout and refuses redirects (they could lead to plain http)", async () => {
    expect(await fallback(200).lookup("3.3.3.3")).toMatchObject({ kind: "failed" });
    expect(await fallback().lookup("4.4.4.4")).toMatchObject({ kind: "failed" });
    expect(requests).toEqual(["/3.3.3.3/json", "/4.4.4.4/json"]);
  });

  it("is never asked when disabled, however many addresses nothing else knows", async () => {
    const run = async (enabled: boolean) => {
      const db = migratedStore();
      const geo = new GeoService({
        databases: new FakeGeoDatabases(new FakeGeoReader("empty")),
        store: createGeoCacheStore(db),
        fallback: createGeoFallback({ enabled, urlTemplate: `${base}/{ip}/json`, timeoutMs: 2_000 }, silentLog, dispatcher),
        now: () => 1_700_000_000_000,
        log: silentLog,
        memoryEntries: 1_000,
        retentionMs: 90 * 86_400_000,
      });
      geo.lookupMany(["5.6.7.8", "6.6.6.6"]);
      await geo.retryUnresolved(1_700_000_000_000, 100);
      const label = geo.describe("5.6.7.8").label;
      db.close();
      return label;
    };
    expect(await run(false)).toBe("unknown");
    expect(requests).toEqual([]);
    // The same setup with the fallback enabled does reach the server.
    expect(await run(true)).toBe("🇩🇪 Germany");
    expect(requests).toEqual(["/5.6.7.8/json", "/6.6.6.6/json"]);
  });
});
