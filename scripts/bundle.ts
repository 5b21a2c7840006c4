// `npm run build`'s second step: BanBot as one CommonJS file, dist/banbot.cjs, and V8's code cache for
// it, dist/banbot.cjs.cache, which the built CLI loads (src/cli/bundle.ts says why).
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { build } from "esbuild";

const ROOT = join(import.meta.dirname, "..");

// Left to Node's loader: native addons, and packages only some commands load (the chat SDKs for
// `start` and `register`, the chart engine, the HTTP client for downloads), which would make every
// one-shot command read and compile megabytes it never runs. prom-client, echarts and resvg are
// required where they are used (createRequire), so the bundle never sees them.
const EXTERNAL = ["better-sqlite3", "@resvg/resvg-js", "discord.js", "@slack/bolt", "echarts", "undici", "prom-client"];

/** Bundles src/main.ts into `file` and saves V8's code cache for it as `${file}.cache`. */
export async function bundle(file: string): Promise<void> {
  await build({
    entryPoints: [join(ROOT, "src/main.ts")],
    outfile: file,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: EXTERNAL,
    // import.meta has no CommonJS equivalent: the bundle's own URL stands in (paths.ts walks up from
    // it to package.json; the geo and chart modules resolve packages from it).
    define: { "import.meta.url": "__bundleUrl" },
    banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
    // Names stay: stack traces in the log must stay readable.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "none",
    // The default, stated because the loader relies on it (it reads the file as latin1).
    charset: "ascii",
    logLevel: "warning",
  });
  // The cache is V8's and fits only the Node (and V8 flags) that made it: made by `node` without
  // NODE_OPTIONS, after running the bundle's module code once, so that it holds what every command
  // runs first and not only the file's outer layer.
  const script = `
    import { writeFileSync } from "node:fs";
    import { loadBundle } from ${JSON.stringify(join(ROOT, "src/cli/bundle.ts"))};
    const { script } = loadBundle({ source: ${JSON.stringify(file)}, cache: "" });
    writeFileSync(${JSON.stringify(`${file}.cache`)}, script.createCachedData());
  `;
  execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, stdio: "inherit", env: { ...process.env, NODE_OPTIONS: "" } });
}

if (process.argv[1] === import.meta.filename) await bundle(join(ROOT, "dist/banbot.cjs"));
