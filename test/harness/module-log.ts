import { appendFileSync } from "node:fs";
import { register } from "node:module";
import { isMainThread } from "node:worker_threads";

// Preloaded with `--import` into a spawned BanBot: appends the URL of every module it imports to the
// file named by MODULE_LOG_FILE, so a test can tell which packages a command loaded. Only
// `import`s pass through these hooks; a CommonJS `require()` inside a package is not seen.

export async function resolve(
  specifier: string,
  context: unknown,
  next: (specifier: string, context: unknown) => Promise<{ url: string }>,
): Promise<{ url: string }> {
  const resolved = await next(specifier, context);
  const file = process.env.MODULE_LOG_FILE;
  if (file) appendFileSync(file, `${resolved.url}\n`);
  return resolved;
}

if (isMainThread) register(import.meta.url);
