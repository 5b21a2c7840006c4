import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each file that needs fail2ban starts its own server; the machines have two cores.
    maxWorkers: 2,
    // A worker keeps the modules it has loaded for its next file: loading bolt, discord.js and the
    // core afresh for each of 150 files cost about 100 s of the workers' time, a quarter of the run.
    // Safe while BanBot keeps no module state and no test mocks a module (docs/architecture.md).
    isolate: false,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
