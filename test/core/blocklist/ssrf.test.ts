import type { Database } from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Blocklists, BlocklistsDeps } from "../../../src/core/blocklist/blocklists.js";
import { buildBlocklists } from "../../../src/compose/blocklists.js";
import { loadConfig } from "../../../src/config.js";
import { silentLog } from "../../harness/client.js";
import { migratedStore } from "../../harness/store.js";
import { FakeResolver } from "./fake-resolver.js";
import { redirectTo, serveList, useListServer } from "./list-server.js";

// The SSRF defences with the default configuration (no private host allowed), through the service:
// refused when a source is saved, when its name resolves somewhere else at fetch time, and after a
// redirect. fail2ban is never reached: a port that only knows its jails proves it.
const onlyJails: BlocklistsDeps["fail2ban"] = {
  status: () => Promise.resolve({ jails: ["alpha"] }),
  ignoreList: () => Promise.reject(new Error("fail2ban must not be reached")),
  jailLimits: () => Promise.reject(new Error("fail2ban must not be reached")),
  bannedIps: () => Promise.reject(new Error("fail2ban must not be reached")),
  ban: () => Promise.reject(new Error("fail2ban must not be reached")),
  unban: () => Promise.reject(new Error("fail2ban must not be reached")),
};

describe("blocklist SSRF defences", () => {
  const server = useListServer();
  let db: Database;
  let resolver: FakeResolver;
  let built: { blocklists: Blocklists; close(): Promise<void> } | undefined;
  const service = (yaml = "") => {
    const made = buildBlocklists(loadConfig({}, yaml).blocklists, { db, fail2ban: onlyJails, clock: { now: () => Date.now() }, host: "test", log: silentLog, resolver });
    built = made;
    return made.blocklists;
  };

  beforeEach(() => {
    db = migratedStore();
    resolver = new FakeResolver({ "public.test": ["93.184.216.34"], "localhost": ["127.0.0.1", "::1"], "inside.test": ["10.20.30.40"], "mirror.test": ["127.0.0.1"], "evil.test": ["192.168.1.1"] });
  });
  afterEach(async () => {
    // Closed once: a test that builds none must not close the one before it again (its client is gone).
    await built?.close();
    built = undefined;
    db.close();
  });

  it("uses the default configuration: no private host allowed", () => {
    expect(loadConfig({}).blocklists.allowPrivateHosts).toEqual([]);
  });

  it.each([
    ["loopback", (port: number) => `http://127.0.0.1:${port}/list`, /127\.0\.0\.1 is loopback/],
    ["loopback by name", (port: number) => `http://localhost:${port}/list`, /localhost resolves to 127\.0\.0\.1: loopback/],
    ["IPv6 loopback", (port: number) => `http://[::1]:${port}/list`, /::1 is loopback/],
    ["IPv4-mapped loopback", (port: number) => `http://[::ffff:127.0.0.1]:${port}/list`, /::ffff:7f00:1 is loopback/],
    ["IPv4-mapped private", () => "http://[::ffff:10.0.0.1]/list", /::ffff:a00:1 is private network/],
    ["private", () => "http://10.0.0.1/list", /10\.0\.0\.1 is private network/],
    ["private by name", () => "https://inside.test/list", /inside\.test resolves to 10\.20\.30\.40: private network/],
    ["link-local (cloud metadata)", () => "http://169.254.169.254/latest/meta-data/", /169\.254\.169\.254 is link-local/],
    ["IPv6 link-local", () => "http://[fe80::1]/list", /fe80::1 is link-local/],
    ["carrier-grade NAT", () => "http://100.64.0.1/list", /carrier-grade NAT/],
    ["unspecified", () => "http://0.0.0.0/list", /0\.0\.0\.0 is unspecified/],
  ])("refuses a %s destination when the source is saved", async (_what, url, message) => {
    const blocklists = service();
    await expect(blocklists.add("x", { url: url(server.port), jail: "alpha" }, "test")).rejects.toThrow(message);
    expect(blocklists.list()).toEqual([]);
  });

  it("refuses an edit to a private destination", async () => {
    const blocklists = service();
    await blocklists.add("x", { url: "https://public.test/list", jail: "alpha" }, "test");
    await expect(blocklists.edit("x", { url: "http://192.168.0.1/list" })).rejects.toThrow(/192\.168\.0\.1 is private network/);
    expect(blocklists.show("x").source.url).toBe("https://public.test/list");
  });

  it("refuses to connect when the name resolves to a private address at fetch time (DNS rebinding)", async () => {
    server.route("/rebound", serveList("203.0.113.1\n"));
    const blocklists = service();
    await blocklists.add("rebind", { url: server.url("/rebound", "public.test"), jail: "alpha" }, "test");
    resolver.set("public.test", ["127.0.0.1"]);
    const report = await blocklists.runImport("rebind");
    expect(report).toMatchObject({ outcome: "failed", error: expect.stringMatching(/public\.test resolves to 127\.0\.0\.1: loopback/) });
    resolver.set("public.test", ["93.184.216.34", "::ffff:127.0.0.1"]);
    expect((await blocklists.runImport("rebind")).error).toMatch(/public\.test resolves to ::ffff:127\.0\.0\.1: loopback/);
    expect(server.hits("/rebound")).toBe(0);
    expect(blocklists.show("rebind").runs.map((r) => r.outcome)).toEqual(["failed", "failed"]);
  });

  // The first hop has to reach the local test server, so only its name is allowed; where it
  // redirects to is judged like any other destination.
  it.each([
    ["a loopback address", (port: number) => `http://127.0.0.1:${port}/target`, /127\.0\.0\.1 is loopback/],
    ["an IPv4-mapped address", (port: number) => `http://[::ffff:127.0.0.1]:${port}/target`, /::ffff:7f00:1 is loopback/],
    ["a name resolving to a private address", (port: number) => `http://evil.test:${port}/target`, /evil\.test resolves to 192\.168\.1\.1/],
    ["the link-local metadata service", () => "http://169.254.169.254/latest/meta-data/", /169\.254\.169\.254 is link-local/],
  ])("refuses a redirect to %s", async (_what, target, message) => {
    server.route("/jump", redirectTo(target(server.port)));
    server.route("/target", serveList("203.0.113.1\n"));
    const blocklists = service("blocklists:\n  allow_private_hosts: [mirror.test]\n");
    await blocklists.add("jump", { url: server.url("/jump", "mirror.test"), jail: "alpha" }, "test");
    expect((await blocklists.runImport("jump")).error).toMatch(message);
    expect(server.hits("/target")).toBe(0);
  });

  it("refuses URLs that are not plain http(s) or carry credentials", async () => {
    const blocklists = service();
    await expect(blocklists.add("x", { url: "file:///etc/passwd", jail: "alpha" }, "test")).rejects.toThrow(/Only http and https/);
    await expect(blocklists.add("x", { url: "https://user:pass@public.test/list", jail: "alpha" }, "test")).rejects.toThrow(/credentials/);
  });

  it("stops an oversized list with a small cap from the configuration", async () => {
    server.route("/huge", serveList(Buffer.alloc(3 * 1024 * 1024, "203.0.113.1\n")));
    const blocklists = service("blocklists:\n  allow_private_hosts: [127.0.0.1]\n  max_size_mb: 1\n");
    await blocklists.add("huge", { url: server.url("/huge"), jail: "alpha" }, "test");
    expect((await blocklists.runImport("huge")).error).toMatch(/larger than 1 MB/);
  });
});
