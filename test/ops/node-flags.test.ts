import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/paths.js";

// `banbot start`'s memory bound depends on a node flag (the systemd unit says why), which the unit
// and the container pass; the memory bench runs `banbot start` with the unit's flags. One-shot
// commands (the bin, `npm run banbot`) run without it: it costs them 20–30 ms of start-up, and the
// code cache made at build time fits only the flags it was made under.
const read = (path: string) => readFileSync(join(packageRoot(), path), "utf8");

describe("node's flags for banbot", () => {
  const execStart = /^ExecStart=(.*)$/m.exec(read("docker/systemd/banbot.service"))![1]!.split(" ");
  const flags = execStart.filter((word) => word.startsWith("--"));

  it("cap V8's young generation in the systemd unit", () => {
    expect(execStart).toEqual(["/usr/bin/node", ...flags, "/opt/banbot/dist/src/cli.js", "start"]);
    expect(flags).toContain("--max-semi-space-size=8");
  });

  it("are the same in the container, and not in the bin's shebang", () => {
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(read("docker/Dockerfile"))![1]!) as string[];
    expect(entrypoint).toEqual(["node", ...flags, "dist/src/cli.js"]);
    expect(read("src/cli.ts").split("\n", 1)[0]).toBe("#!/usr/bin/env node");
  });
});
