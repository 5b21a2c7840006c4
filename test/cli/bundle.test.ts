import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundle } from "../../scripts/bundle.js";
import { useFail2ban } from "../harness/fail2ban.js";
import { useTempDir } from "../harness/temp-dir.js";

const ROOT = join(import.meta.dirname, "../..");

// The built CLI runs BanBot from one bundled file with V8's code cache (src/cli/bundle.ts). Bundled
// under the repository, as in dist/: BanBot finds its migrations and packages from where it runs.
describe("the bundle the built CLI runs", () => {
  const f2b = useFail2ban();
  const dataDir = useTempDir("bbb-");
  let dir = "";
  let file = "";
  beforeAll(async () => {
    await mkdir(join(ROOT, "dist"), { recursive: true });
    dir = await mkdtemp(join(ROOT, "dist/bundle-test-"));
    file = join(dir, "banbot.cjs");
    await bundle(file);
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // A fresh Node process loads the bundle as dist/src/cli.js does and runs one command through it.
  async function run(...args: string[]): Promise<{ cached: boolean; code: number; out: string[] }> {
    const script = `
      import { loadBundle } from ${JSON.stringify(join(ROOT, "src/cli/bundle.ts"))};
      const bundle = loadBundle({ source: ${JSON.stringify(file)}, cache: ${JSON.stringify(`${file}.cache`)} });
      const out = [];
      const io = { out: (l) => out.push(l), err: (l) => out.push(l), stdin: process.stdin, stdout: process.stdout };
      const code = await bundle.exports.main(${JSON.stringify(args)}, process.env, io);
      console.log(JSON.stringify({ cached: bundle.cached, code, out }));
    `;
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, BANBOT_FAIL2BAN_SOCKET: f2b.sandbox.socketPath, BANBOT_DATA_DIR: dataDir.path };
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, env });
    return JSON.parse(stdout) as { cached: boolean; code: number; out: string[] };
  }

  it("runs a command against fail2ban from its code cache", async () => {
    const result = await run("exec", "--", "ban", "203.0.113.80", "alpha");
    expect(result).toMatchObject({ cached: true, code: 0 });
    expect(result.out.join("\n")).toContain("Banned 203.0.113.80 in alpha");
    const status = await run("exec", "--", "status");
    expect(status.out.join("\n")).toMatch(/fail2ban [\d.]+ is up on .*\n\s+Jails\s+2 \(alpha, beta\)\n\s+Banned now\s+1/);
  });

  it("compiles from the source when the cache is not V8's for this Node", async () => {
    // The bundle's own cache comes back afterwards: the other test runs from it, before or after this one.
    const built = await readFile(`${file}.cache`);
    try {
      await writeFile(`${file}.cache`, Buffer.alloc(4096, 7));
      const result = await run("exec", "--", "jails");
      expect(result).toMatchObject({ cached: false, code: 0 });
      expect(result.out.join("\n")).toContain("alpha");
    } finally {
      await writeFile(`${file}.cache`, built);
    }
  });
});
