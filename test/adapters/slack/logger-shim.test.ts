import { LogLevel } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { boltLogger, fromPino } from "../../../src/adapters/slack/logger-shim.js";
import { capturedLog } from "../../harness/client.js";

describe("boltLogger", () => {
  it("writes bolt's messages to pino, with an error as `err`", () => {
    const { entries: lines, log } = capturedLog("info");
    const logger = boltLogger(log);
    logger.info("Now connected to Slack");
    logger.warn("Failed to parse", { status: 401 });
    logger.error("listener failed", new Error("boom"));
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [30, "Now connected to Slack"],
      [40, "Failed to parse { status: 401 }"],
      [50, "listener failed"],
    ]);
    expect(lines[2]!.err).toMatchObject({ message: "boom", type: "Error" });
  });

  it("starts at pino's level, and bolt's setLevel narrows it but cannot widen pino's", () => {
    const { entries: lines, log } = capturedLog("info");
    const logger = boltLogger(log);
    expect(logger.getLevel()).toBe(LogLevel.INFO);
    logger.setLevel(LogLevel.DEBUG);
    logger.debug("chatty");
    logger.setLevel(LogLevel.ERROR);
    logger.warn("dropped");
    expect(lines).toEqual([]);
  });

  it.each([
    ["trace", LogLevel.DEBUG],
    ["debug", LogLevel.DEBUG],
    ["info", LogLevel.INFO],
    ["warn", LogLevel.WARN],
    ["error", LogLevel.ERROR],
    ["silent", LogLevel.ERROR],
  ])("maps pino's %s to bolt's %s", (level, expected) => {
    expect(fromPino(level)).toBe(expected);
  });
});
