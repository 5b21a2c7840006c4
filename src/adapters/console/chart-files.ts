import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Image } from "../../core/reply.js";

/** Writes a reply's image to a PNG file and returns its path. */
export type SaveImage = (image: Image) => string;

export interface ChartFilesOptions {
  dir: string;
  /** The newest files kept; older ones are removed, so a long-lived data directory does not fill up. */
  keep?: number;
  now?: () => number;
}

/**
 * Charts for the terminal, as PNG files in `dir` (created when first needed): a terminal shows text,
 * so the console and `exec` say where each chart went. Names carry the time, so a file is never
 * overwritten and the newest sorts last.
 */
export function chartFiles({ dir, keep = 50, now = () => Date.now() }: ChartFilesOptions): SaveImage {
  return (image) => {
    mkdirSync(dir, { recursive: true });
    const stamp = new Date(now()).toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
    const base = image.name.replace(/\.png$/i, "").replace(/[^\w.-]/g, "_") || "chart";
    let path = join(dir, `${base}-${stamp}.png`);
    for (let n = 2; ; n++) {
      try {
        writeFileSync(path, image.png, { flag: "wx" });
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        path = join(dir, `${base}-${stamp}-${n}.png`);
      }
    }
    prune(dir, keep);
    return path;
  };
}

function prune(dir: string, keep: number): void {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".png"))
    .map((f) => ({ path: join(dir, f), at: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const old of files.slice(keep)) rmSync(old.path, { force: true });
}

/** Where each of a reply's images went: a file, or why it could not be written. */
export type ImageFate = { path: string } | { error: string };

/** Saves every image; a failure is told for that image instead of losing the reply. */
export function saveImages(images: readonly Image[], save: SaveImage): ImageFate[] {
  return images.map((image) => {
    try {
      return { path: save(image) };
    } catch (err) {
      return { error: (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err)) };
    }
  });
}
