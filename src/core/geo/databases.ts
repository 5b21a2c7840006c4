import { readFileSync, statSync, type Stats } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { Logger } from "pino";
import { UserError } from "../errors.js";
import { MmdbReader } from "./mmdb-reader.js";
import type { GeoDatabases, GeoReader, GeoRecord } from "./model.js";

export interface OpenGeoDatabasesOptions {
  /** Configured .mmdb files, in merge order. */
  files: readonly string[];
  /** How often the files are checked for replacement; 0 turns checking off. */
  checkIntervalMs: number;
  /** Used when no configured file has countries (none configured, or ASN files only). */
  embedded: { path: string; label?: string; note?: string };
  log: Logger;
}

/** The open databases; `close()` stops watching the files. */
export interface GeoDatabaseFiles extends GeoDatabases {
  close(): void;
}

/**
 * Opens the configured files (synchronously: startup only, and a bad path should stop startup)
 * and checks them for replacement every `checkIntervalMs`. Polling the path's inode, size and mtime
 * rather than fs.watch: geoipupdate replaces files by rename, which a watch on the old inode misses,
 * and a stat a minute costs nothing. A file that fails to load keeps its previous contents in use.
 */
export function openGeoDatabases(opts: OpenGeoDatabasesOptions): GeoDatabaseFiles {
  const files = opts.files.map((path) => openWatched(path));
  const readers: GeoReader[] = [...files];
  if (files.every((f) => f.current.asnOnly)) {
    const { path, label, note } = opts.embedded;
    readers.push(new OnFirstUse(() => new MmdbReader(readFileSync(path), { label, note })));
  }
  return new WatchedDatabases(files, readers, opts.checkIntervalMs, opts.log);
}

// The embedded database is 8 MB that a command without a lookup (`exec -- status`) need not read.
class OnFirstUse implements GeoReader {
  private reader: GeoReader | undefined;

  constructor(private readonly open: () => GeoReader) {}

  get name(): string {
    return this.opened().name;
  }

  get(ip: string): GeoRecord | undefined {
    return this.opened().get(ip);
  }

  private opened(): GeoReader {
    return (this.reader ??= this.open());
  }
}

class WatchedFile implements GeoReader {
  /** The signature whose load failed, so a broken file is not re-read every check. */
  failed: string | undefined;

  constructor(
    readonly path: string,
    public current: MmdbReader,
    public signature: string,
  ) {}

  get name(): string {
    return this.current.name;
  }

  get(ip: string): GeoRecord | undefined {
    return this.current.get(ip);
  }
}

class WatchedDatabases implements GeoDatabaseFiles {
  generation = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly files: readonly WatchedFile[],
    readonly readers: readonly GeoReader[],
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {
    this.schedule();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  // A chain of timeouts, not an interval: a slow read of a large file must not overlap the next check.
  private schedule(): void {
    if (this.closed || this.intervalMs <= 0 || this.files.length === 0) return;
    this.timer = setTimeout(() => void this.check().finally(() => this.schedule()), this.intervalMs);
    this.timer.unref();
  }

  private async check(): Promise<void> {
    for (const file of this.files) {
      if (this.closed) return;
      await this.checkFile(file);
    }
  }

  private async checkFile(file: WatchedFile): Promise<void> {
    let sig: string;
    try {
      sig = signature(await stat(file.path));
    } catch (err) {
      if (file.failed !== "missing") this.log.warn({ err, file: file.path }, "geo database file is gone; keeping the loaded copy");
      file.failed = "missing";
      return;
    }
    if (sig === file.signature || sig === file.failed) return;
    try {
      const next = new MmdbReader(await readFile(file.path));
      if (this.closed) return;
      file.current = next;
      file.signature = sig;
      file.failed = undefined;
      this.generation++;
      this.log.info({ file: file.path, database: next.name }, "geo database reloaded");
    } catch (err) {
      file.failed = sig;
      this.log.warn({ err, file: file.path }, "geo database changed but cannot be read; keeping the loaded copy");
    }
  }
}

function openWatched(path: string): WatchedFile {
  try {
    const sig = signature(statSync(path));
    return new WatchedFile(path, new MmdbReader(readFileSync(path)), sig);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UserError(
      "config_invalid",
      `geo.databases: cannot open ${path} (${reason}): point it at a GeoLite2/GeoIP2 City, Country or ASN .mmdb file ` +
        "(e.g. from geoipupdate) that BanBot's user may read, or remove it to use the built-in country database.",
      { cause: err },
    );
  }
}

function signature(s: Stats): string {
  return `${s.ino}:${s.size}:${s.mtimeMs}`;
}
