import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/log.js";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const entries = () => lines.join("").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
  return { destination, lines, entries };
}

describe("createLogger", () => {
  it("writes structured JSON entries at or above the configured level", () => {
    const out = capture();
    const log = createLogger({ level: "info", destination: out.destination });
    log.debug("hidden");
    log.info({ jail: "sshd" }, "jail started");
    expect(out.entries()).toEqual([expect.objectContaining({ level: 30, jail: "sshd", msg: "jail started" })]);
  });

  it("never writes secrets, whatever the depth they are logged at", () => {
    const out = capture();
    const log = createLogger({ level: "trace", destination: out.destination });
    log.info({ token: "s3cret-1" }, "flat");
    log.info({ slack: { botToken: "s3cret-2", appToken: "s3cret-3", signingSecret: "s3cret-4" } }, "nested");
    log.info({ config: { slack: { botToken: "s3cret-5" }, discord: { token: "s3cret-6" } } }, "config");
    log.info({ req: { headers: { authorization: "Bearer s3cret-7", cookie: "s3cret-8" } } }, "request");
    log.child({ component: "geo" }).warn({ maxmind: { licenseKey: "s3cret-9" } }, "child");
    const text = out.lines.join("");
    expect(text).not.toMatch(/s3cret/);
    expect(out.entries()[2]).toMatchObject({ config: { slack: { botToken: "[REDACTED]" } } });
  });

  it("gives child loggers their component on every entry", () => {
    const out = capture();
    const log = createLogger({ level: "info", destination: out.destination }).child({ component: "fail2ban" });
    log.info("connected");
    log.child({ cmd: "ban" }).error({ err: new Error("boom") }, "ban failed");
    const [first, second] = out.entries();
    expect(first).toMatchObject({ component: "fail2ban", msg: "connected" });
    expect(second).toMatchObject({ component: "fail2ban", cmd: "ban", err: { message: "boom" } });
  });
});
