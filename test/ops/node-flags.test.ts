import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { shebangNodeFlags } from "../../src/cli/bundle.js";
import { packageRoot } from "../../src/paths.js";

// `banbot start`'s memory bound depends on node's flags (src/cli.ts says why), and the bundle's code
// cache is made under them (scripts/bundle.ts). Users start BanBot through the bin (its
// shebang), the systemd unit, the container or `npm run banbot`; all must pass the same flags.
const read = (path: string) => readFileSync(join(packageRoot(), path), "utf8");
const bin = shebangNodeFlags(join(packageRoot(), "src/cli.ts"));

describe("node's flags for banbot", () => {
  it("are in the bin's shebang, which env -S splits into node's arguments", () => {
    expect(read("src/cli.ts")).toMatch(/^#!\/usr\/bin\/env -S node( --[a-z-]+=\d+)+\n/);
    expect(bin).toContain("--max-semi-space-size=8");
  });

  it("are the same in the systemd unit, the container and `npm run banbot`", () => {
    const execStart = /^ExecStart=(.*)$/m.exec(read("docker/systemd/banbot.service"))![1]!.split(" ");
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(read("docker/Dockerfile"))![1]!) as string[];
    expect(execStart.slice(0, 1 + bin.length + 1)).toEqual(["/usr/bin/node", ...bin, "/opt/banbot/dist/src/cli.js"]);
    expect(entrypoint).toEqual(["node", ...bin, "dist/src/cli.js"]);
    const { scripts } = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
    expect(scripts.banbot).toBe(["node", ...bin, "dist/src/cli.js"].join(" "));
  });
});
