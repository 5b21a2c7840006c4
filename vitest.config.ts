import { relative } from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

// The end-to-end story spends minutes waiting for the jobs' minute ticks: started last, it would
// set the end of the run by itself. Vitest orders files by their last durations when it has them
// (node_modules/.vite), by size on a fresh clone; either way the story goes first.
class StoryFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const story = (f: TestSpecification) => relative(f.project.config.root, f.moduleId).startsWith("test/e2e/");
    return [...sorted.filter(story), ...sorted.filter((f) => !story(f))];
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Builds the CLI the spawning tests run (test/global-setup.ts).
    globalSetup: ["test/global-setup.ts"],
    // Most files spend most of their time waiting: on fail2ban, on child processes, on schedules
    // and timeouts that are the behaviour under test. On two cores the whole run used about a third
    // of the CPU with two workers; four keep it busy.
    maxWorkers: 4,
    sequence: { sequencer: StoryFirst },
    // A worker keeps the modules it has loaded for its next file: loading bolt, discord.js and the
    // core afresh for each of 150 files cost about 100 s of the workers' time, a quarter of the run.
    // Safe while BanBot keeps no module state and no test mocks a module (docs/architecture.md).
    isolate: false,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
