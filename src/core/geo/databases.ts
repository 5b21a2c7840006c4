import { readFileSync, statSync, type Stats } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { Logger } from "pino";
import { UserError } from "../errors.js";
import { AsnTable, type AsnTableFiles } from "./asn-table.js";
import { MmdbReader } from "./mmdb-reader.js";
import type { GeoDatabases, GeoReader, GeoRecord } from "./model.js";

export interface OpenGeoDatabasesOptions {
  /** Configured .mmdb files, in merge order. */
  files: readonly string[];
  /** How often the files are checked for replacement; 0 turns checking off. */
  checkIntervalMs: number;
  /** Used when no configured file has countries (none configured, or ASN files only). */
  embedded: { path: string; label?: string; note?: string };
  /** The built-in ASN table, asked last when given (`geo.builtin_asn`). */
  embeddedAsn?: AsnTableFiles;
  log: Logger;
}

/** The open databases; `close()` stops watching the files. */
export interface GeoDatabaseFiles extends GeoDatabases {
  load(): void;
  close(): void;
}

// Spread over both families and the address space, so a file whose tree is corrupt (MaxMind's
// GeoIP2-City-Test-Invalid-Node-Count.mmdb opens fine) fails at least one.
const PROBES = ["1.1.1.1", "8.8.8.8", "23.1.1.1", "41.1.1.1", "81.2.69.160", "101.1.1.1", "151.101.1.1", "185.1.1.1", "200.1.1.1", "2001:218::1", "2a00:1450::1", "2600::1"];

/** Throws, naming the address, when a test lookup throws: a file can open and still be corrupt inside. */
export function probeReader(reader: GeoReader): void {
  for (const ip of PROBES) {
    try {
      reader.get(ip);
    } catch (err) {
      throw new Error(`a test lookup of ${ip} fails: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
}

/**
 * Opens the configured files (synchronously: startup only, and a bad path should stop startup)
 * and checks them for replacement every `checkIntervalMs`. Polling the path's inode, size and mtime
 * rather than fs.watch: geoipupdate replaces files by rename, which a watch on the old inode misses,
 * and a stat a minute costs nothing. A replacement is used only once it opens as a supported type
 * and passes test lookups; otherwise the previous contents stay in use.
 */
export function openGeoDatabases(opts: OpenGeoDatabasesOptions): GeoDatabaseFiles {
  const files = opts.files.map((path) => openWatched(path, opts.log));
  // Last, so a configured ASN file answers first; read at the first lookup, like the countries.
  const asn = opts.embeddedAsn && new OnFirstUse(() => new AsnTable(opts.embeddedAsn!));
  return new WatchedDatabases(files, opts.embedded, opts.checkIntervalMs, opts.log, asn);
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

  load(): void {
    this.opened();
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
    /** Why test lookups of the loaded file fail (at startup only: a reload never takes such a file). */
    public broken: string | undefined,
  ) {}

  /** Whether this file can be trusted for countries, so the built-in database is not needed behind it. */
  get hasCountries(): boolean {
    return !this.current.asnOnly && this.broken === undefined;
  }

  get name(): string {
    return this.current.name;
  }

  get(ip: string): GeoRecord | undefined {
    return this.current.get(ip);
  }
}

class WatchedDatabases implements GeoDatabaseFiles {
  generation = 0;
  readers: readonly GeoReader[] = [];
  private builtIn: GeoReader | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly files: readonly WatchedFile[],
    private readonly embedded: OpenGeoDatabasesOptions["embedded"],
    private readonly intervalMs: number,
    private readonly log: Logger,
    private readonly asn?: GeoReader,
  ) {
    this.arrange();
    this.schedule();
  }

  /**
   * The files in order, and the built-in country database behind them unless one has countries:
   * again after every reload, so a City file replaced by an ASN file keeps countries. Loaded once,
   * when first needed.
   */
  private arrange(): void {
    const asn = this.asn ? [this.asn] : [];
    if (this.files.some((f) => f.hasCountries)) {
      this.readers = [...this.files, ...asn];
      return;
    }
    const { path, label, note } = this.embedded;
    this.builtIn ??= new OnFirstUse(() => new MmdbReader(readFileSync(path), { label, note }));
    this.readers = [...this.files, this.builtIn, ...asn];
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  // The built-in ASN table takes a second or two to read: in `banbot start` that would stall the
  // first lookup, and with it a chat command waiting for its acknowledgement.
  load(): void {
    for (const reader of this.readers) {
      if (!(reader instanceof OnFirstUse)) continue;
      try {
        reader.load();
      } catch (err) {
        // Left to the lookups, which count it as not knowing the address, and to `doctor`.
        this.log.error({ err }, "a built-in geo database could not be read; its addresses show as unknown");
      }
    }
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
    let next: MmdbReader;
    try {
      next = new MmdbReader(await readFile(file.path));
    } catch (err) {
      file.failed = sig;
      this.log.warn({ err, file: file.path }, "geo database changed but cannot be read; keeping the loaded copy");
      return;
    }
    try {
      probeReader(next);
    } catch (err) {
      file.failed = sig;
      this.log.error({ err, file: file.path, database: next.name }, "geo database changed but its lookups fail; keeping the loaded copy");
      return;
    }
    if (this.closed) return;
    file.current = next;
    file.signature = sig;
    file.failed = undefined;
    file.broken = undefined;
    this.arrange();
    this.generation++;
    this.log.info({ file: file.path, database: next.name }, "geo database reloaded");
  }
}

/**
 * What `doctor` says about the geo files: each configured file opened and probed as a reload would
 * be, and where AS numbers come from (the built-in ASN table read and probed when turned on). Throws
 * with every problem and its fix; a file that opens but fails lookups still runs (its addresses show
 * as unknown), so only this check reports it.
 */
export function checkGeoFiles(paths: readonly string[], embedded: OpenGeoDatabasesOptions["embedded"], embeddedAsn?: AsnTableFiles): string {
  const found: string[] = [];
  const problems: string[] = [];
  const asnSources: string[] = [];
  for (const path of paths) {
    let reader: MmdbReader;
    try {
      reader = new MmdbReader(readFileSync(path));
    } catch (err) {
      problems.push(`${path} cannot be opened (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      continue;
    }
    try {
      probeReader(reader);
      found.push(`${path} (${reader.name})`);
      if (reader.hasAsn) asnSources.push(path);
    } catch (err) {
      problems.push(`${path} (${reader.name}) opens but ${(err as Error).message}: replace it (run geoipupdate again); meanwhile its addresses show as unknown`);
    }
  }
  if (embeddedAsn) {
    try {
      const table = new AsnTable(embeddedAsn);
      if (table.get(ASN_PROBE) === undefined) throw new Error(`it names no AS for ${ASN_PROBE}`);
      asnSources.push(`the built-in ASN table (${table.name})`);
    } catch (err) {
      problems.push(`geo.builtin_asn: the built-in ASN table cannot be used (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): reinstall BanBot's npm packages (npm ci)`);
    }
  }
  if (problems.length > 0) throw new Error(problems.join("; "));
  const files = paths.length === 0 ? `none configured: the built-in country database (${embedded.label ?? embedded.path})` : found.join(", ");
  const asn =
    asnSources.length > 0
      ? `AS numbers from ${asnSources.join(", ")}`
      : "no AS numbers: `ip` and `top asns` show networks as unknown (add a GeoLite2-ASN file or set geo.builtin_asn: docs/geo.md)";
  return `${files}; ${asn}`;
}

// An address every ASN table names (Google's public DNS), to tell a readable table from an empty one.
const ASN_PROBE = "8.8.8.8";

function openWatched(path: string, log: Logger): WatchedFile {
  let file: WatchedFile;
  try {
    const sig = signature(statSync(path));
    file = new WatchedFile(path, new MmdbReader(readFileSync(path)), sig, undefined);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UserError(
      "config_invalid",
      `geo.databases: cannot open ${path} (${reason}): point it at a GeoLite2/GeoIP2 City, Country or ASN .mmdb file ` +
        "(e.g. from geoipupdate) that BanBot's user may read, or remove it to use the built-in country database.",
      { cause: err },
    );
  }
  // Still used, not refused: lookups that throw count as unknown, others may work, and `doctor`
  // must be able to start and report it. The built-in countries go behind it.
  try {
    probeReader(file.current);
  } catch (err) {
    file.broken = (err as Error).message;
    log.error({ err, file: path, database: file.name }, "geo database opens but its lookups fail: replace the file (`banbot doctor` checks it)");
  }
  return file;
}

function signature(s: Stats): string {
  return `${s.ino}:${s.size}:${s.mtimeMs}`;
}
