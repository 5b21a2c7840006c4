import type { Config } from "../../src/config.js";

/** The `commands` settings loadConfig gives without a config file, for adapters built without it. */
export const TEST_COMMANDS: Config["commands"] = { name: "f2b", confirmTimeoutMs: 300_000, rateLimit: { perMinute: 30 }, results: "ephemeral" };
