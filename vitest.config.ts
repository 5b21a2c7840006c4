import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Builds the CLI the spawning tests run (test/global-setup.ts).
    globalSetup: ["test/global-setup.ts"],
    // Most files spend most of their time waiting: on fail2ban, on child processes, on schedules
    // and timeouts that are the behaviour under test. On two cores the whole run used about a third
    // of the CPU with two workers; four keep it busy. Vitest starts the longest files first (by their
    // last durations, by size on a fresh clone, where the e2e story is among the largest).
    maxWorkers: 4,
    // A worker keeps the modules it has loaded for its next file: loading bolt, discord.js and the
    // core afresh for each of 150 files cost about 100 s of the workers' time, a quarter of the run.
    // Safe while BanBot keeps no module state and no test mocks a module (docs/architecture.md).
    isolate: false,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
