import { Transform, Writable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, type Gunzip } from "node:zlib";
import { errors, request, type Dispatcher } from "undici";
import { DownloadError, checkUrl } from "./destination.js";

// One list download: manual redirects (each target re-checked, at most MAX_REDIRECTS), conditional
// headers, and two size caps enforced while streaming: on the bytes received and on the bytes
// after gunzip, so a small gzip bomb stops at the cap instead of filling memory.

const MAX_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface Validators {
  etag?: string;
  lastModified?: string;
}

export type Download =
  | { status: "unchanged" }
  | { status: "ok"; text: string; bytes: number; validators: Validators; finalUrl: string };

export interface DownloadOptions {
  dispatcher: Dispatcher;
  /** Cap on the bytes received, and separately on the bytes after decompression. */
  maxBytes: number;
  /** Deadline for the whole download, redirects included. */
  totalTimeoutMs: number;
  validators?: Validators;
  userAgent: string;
}

export async function downloadList(url: string, opts: DownloadOptions): Promise<Download> {
  const signal = AbortSignal.timeout(opts.totalTimeoutMs);
  let current = url;
  for (let hop = 0; ; hop++) {
    const checked = checkUrl(current);
    if (typeof checked === "string") throw new DownloadError(hop === 0 ? checked : `Redirect refused: ${checked}`);
    const res = await send(checked, opts, signal);
    if (REDIRECTS.has(res.statusCode)) {
      await res.body.dump();
      const location = res.headers.location;
      if (typeof location !== "string") throw new DownloadError(`HTTP ${res.statusCode} without a Location header.`);
      if (hop === MAX_REDIRECTS) throw new DownloadError(`More than ${MAX_REDIRECTS} redirects.`);
      current = new URL(location, checked).href;
      continue;
    }
    if (res.statusCode === 304 && opts.validators) {
      await res.body.dump();
      return { status: "unchanged" };
    }
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new DownloadError(`HTTP ${res.statusCode} from ${checked.host}.`);
    }
    const { text, bytes } = await readBody(res, opts.maxBytes, signal);
    return { status: "ok", text, bytes, validators: validatorsOf(res.headers), finalUrl: checked.href };
  }
}

type Response = Dispatcher.ResponseData;

async function send(url: URL, opts: DownloadOptions, signal: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { "user-agent": opts.userAgent, "accept-encoding": "gzip", accept: "text/plain, */*" };
  if (opts.validators?.etag) headers["if-none-match"] = opts.validators.etag;
  if (opts.validators?.lastModified) headers["if-modified-since"] = opts.validators.lastModified;
  try {
    return await request(url, { method: "GET", headers, dispatcher: opts.dispatcher, signal });
  } catch (err) {
    throw describeFailure(err, url, signal);
  }
}

async function readBody(res: Response, maxBytes: number, signal: AbortSignal): Promise<{ text: string; bytes: number }> {
  const declared = Number(res.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard(res);
    throw tooLarge("download", maxBytes);
  }
  const encoding = String(res.headers["content-encoding"] ?? "identity").toLowerCase();
  if (encoding !== "identity" && encoding !== "gzip" && encoding !== "x-gzip") {
    discard(res);
    throw new DownloadError(`The server sent ${encoding}-encoded content; only gzip is accepted.`);
  }
  // The first reason to stop wins: once a cap trips, the streams torn down after it report aborts.
  let stop: DownloadError | undefined;
  const fail = (err: DownloadError): DownloadError => (stop ??= err);
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length;
      done(received > maxBytes ? fail(tooLarge("download", maxBytes)) : null, chunk);
    },
  });
  const parts: Buffer[] = [];
  let kept = 0;
  const collector = new Writable({
    write(chunk: Buffer, _enc, done) {
      kept += chunk.length;
      if (kept > maxBytes) return done(fail(tooLarge("decompressed list", maxBytes)));
      parts.push(chunk);
      done();
    },
  });
  try {
    await pipeline(res.body, counter, new MaybeGunzip(encoding !== "identity"), collector, { signal });
  } catch (err) {
    if (stop) throw stop;
    if (err instanceof DownloadError) throw err;
    if ((err as NodeJS.ErrnoException).code?.startsWith("Z_")) throw new DownloadError("The list is not valid gzip.");
    throw describeFailure(err, undefined, signal);
  }
  return { text: Buffer.concat(parts).toString("utf8"), bytes: received };
}

/**
 * Gunzips when the server says so or when the body starts with gzip's magic bytes (a `.gz` file
 * served as it is): which of the two only shows in the first chunk, hence a stream that decides then.
 */
class MaybeGunzip extends Transform {
  private gunzip: Gunzip | undefined;
  private decided = false;

  constructor(private readonly declared: boolean) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (!this.decided) {
      this.decided = true;
      if (this.declared || (chunk[0] === 0x1f && chunk[1] === 0x8b)) {
        this.gunzip = createGunzip();
        this.gunzip.on("data", (out: Buffer) => this.push(out));
        this.gunzip.on("error", (err) => this.destroy(err));
      }
    }
    if (!this.gunzip) return done(null, chunk);
    this.gunzip.write(chunk, () => done());
  }

  override _flush(done: TransformCallback): void {
    if (!this.gunzip) return done();
    this.gunzip.once("end", () => done());
    this.gunzip.end();
  }

  override _destroy(err: Error | null, done: (err: Error | null) => void): void {
    this.gunzip?.destroy();
    done(err);
  }
}

/** Drops a body not worth reading; undici reports the abort as an error, which nobody needs. */
function discard(res: Response): void {
  res.body.on("error", () => undefined);
  res.body.destroy();
}

function validatorsOf(headers: Response["headers"]): Validators {
  const etag = headers.etag;
  const lastModified = headers["last-modified"];
  return {
    ...(typeof etag === "string" ? { etag } : {}),
    ...(typeof lastModified === "string" ? { lastModified } : {}),
  };
}

function tooLarge(what: string, maxBytes: number): DownloadError {
  return new DownloadError(`The ${what} is larger than ${Math.round(maxBytes / 1024 / 1024)} MB (blocklists.max_size_mb); stopped reading.`);
}

function describeFailure(err: unknown, url: URL | undefined, signal: AbortSignal): Error {
  if (err instanceof DownloadError) return err;
  // undici wraps what the connector throws; the guard's refusal is the message worth showing.
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof DownloadError) return cause;
  if (signal.aborted) return new DownloadError("The download took too long and was stopped.");
  if (err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError) return new DownloadError("The server stopped answering.");
  if (err instanceof errors.ConnectTimeoutError) return new DownloadError(`Could not connect to ${url?.host ?? "the server"} in time.`);
  const code = (err as NodeJS.ErrnoException).code;
  const where = url ? ` to ${url.host}` : "";
  return new DownloadError(`The download${where} failed (${code ?? (err as Error).message}).`, { cause: err });
}
