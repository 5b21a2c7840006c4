import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/paths.js";

// `banbot start`'s memory bound depends on node's flags (src/cli.ts says why). Users start it three
// ways: the bin (its shebang), the systemd unit and the container; all three must pass the same flags.
const read = (path: string) => readFileSync(join(packageRoot(), path), "utf8");
const flagsIn = (words: readonly string[]) => words.filter((w) => w.startsWith("--"));

describe("node's flags for banbot", () => {
  const shebang = /^#!\/usr\/bin\/env -S node((?: --[a-z-]+=\d+)*)\n/.exec(read("src/cli.ts"));

  it("are in the bin's shebang, which env -S splits into node's arguments", () => {
    expect(shebang).not.toBeNull();
    expect(flagsIn(shebang![1]!.trim().split(" "))).toContain("--max-semi-space-size=8");
  });

  it("are the same in the systemd unit and the container", () => {
    const bin = flagsIn(shebang![1]!.trim().split(" "));
    const execStart = /^ExecStart=(.*)$/m.exec(read("docker/systemd/banbot.service"))![1]!.split(" ");
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(read("docker/Dockerfile"))![1]!) as string[];
    expect(execStart.slice(0, 1 + bin.length + 1)).toEqual(["/usr/bin/node", ...bin, "/opt/banbot/dist/src/cli.js"]);
    expect(entrypoint).toEqual(["node", ...bin, "dist/src/cli.js"]);
  });
});
