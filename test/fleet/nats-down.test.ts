import { writeFileSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/main.js";
import { useTempDir } from "../harness/temp-dir.js";
import { FLEET, fleetKeys } from "./fleet-harness.js";

// `banbot exec` and `console` in fleet mode with NATS down (nothing listens on its port) and the
// longest deadline the config takes (5m): what the front runs itself answers at once, so these
// tests end long before the deadline could pass; a command for hosts still waits for NATS, up to
// the (here short) deadline, and says it could not reach them.

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("exec and console in fleet mode while NATS is down", () => {
  const tmp = useTempDir("bbfleet-down-");
  const keys = fleetKeys(["web1"]);
  let url: string;
  const config = (deadline: string) => {
    const path = join(tmp.path, `front-${deadline}.yaml`);
    writeFileSync(path, `fleet:\n  name: ${FLEET}\n  hosts: [web1]\n  deadline: ${deadline}\n  nkey_seed_file: ${keys.seedFile(tmp.path, "front")}\n`);
    return path;
  };
  const run = async (argv: string[], { deadline = "5m", stdin = "" } = {}) => {
    let out = "";
    const env = { BANBOT_LOG_LEVEL: "silent", BANBOT_NATS_URL: url, BANBOT_CONFIG: config(deadline), BANBOT_DATA_DIR: join(tmp.path, "front"), BANBOT_FAIL2BAN_SOCKET: "/nonexistent/fail2ban.sock" };
    const code = await main(argv, env, {
      out: (text) => (out += `${text}\n`),
      err: (text) => (out += `${text}\n`),
      stdin: Readable.from([stdin]),
      stdout: new Writable({
        write: (chunk: Buffer, _e, done) => {
          out += chunk.toString();
          done();
        },
      }),
    });
    return { code, out };
  };

  beforeAll(async () => {
    url = `nats://127.0.0.1:${await closedPort()}`;
  });

  // The third element runs first: what the command needs in place, whatever order the tests run in.
  it.each<[string, RegExp, string?]>([
    ["help", /BanBot commands/],
    ["help ban", /Help: ban/],
    ["audit", /audit log/i],
    ["alerts", /alert routes/i],
    ["alerts mute spike for 1h", /muted spike/i],
    ["alerts unmute spike", /spike alerts are on again/, "alerts mute spike for 1h"],
  ])("exec answers `%s` at once: it runs on the front", { timeout: 60_000 }, async (line, title, before) => {
    if (before) expect((await run(["exec", "--", ...before.split(" ")])).code).toBe(0);
    const { code, out } = await run(["exec", "--json", "--", ...line.split(" ")]);
    expect(code).toBe(0);
    expect((JSON.parse(out) as { title: string }).title).toMatch(title);
  });

  it("the console answers help and the alert routes at once", { timeout: 60_000 }, async () => {
    const { code, out } = await run(["console"], { stdin: "help\nalerts\nexit\n" });
    expect(code).toBe(0);
    expect(out).toContain("BanBot commands");
    expect(out).toMatch(/alert routes/i);
  });

  it("what the front runs itself never even connects to NATS; a command for hosts does", { timeout: 60_000 }, async () => {
    // Something listens where NATS should be, and only counts who comes (it never answers).
    const sockets: Socket[] = [];
    const server = createServer((socket) => sockets.push(socket.on("error", () => {})));
    const connections = () => sockets.length;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const down = url;
    url = `nats://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      await run(["exec", "--", "help"]);
      await run(["console"], { stdin: "alerts\naudit\nexit\n" });
      expect(connections()).toBe(0);
      await run(["exec", "--", "status", "on", "web1"], { deadline: "1s" });
      expect(connections()).toBeGreaterThan(0);
    } finally {
      url = down;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("a command for hosts waits for NATS up to the deadline, then names the host it could not reach", { timeout: 60_000 }, async () => {
    const { out } = await run(["exec", "--json", "--", "status", "on", "web1"], { deadline: "1s" });
    const reply = JSON.parse(out) as { title: string; tone: string; notes?: string[]; text?: string };
    expect(reply.tone).toBe("error");
    expect(JSON.stringify(reply)).toContain("web1");
    expect(JSON.stringify(reply)).toMatch(/not connected to NATS/i);
  });
});
