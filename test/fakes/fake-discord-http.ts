import type { IncomingHttpHeaders, IncomingMessage } from "node:http";

// The request-recording half of the fake Discord: what the bot sent, decoded for assertions, and
// one-shot faults to answer with instead of the normal route.

export interface RecordedFile {
  field: string;
  name: string;
  type: string;
  size: number;
}

export interface RecordedRequest {
  method: string;
  /** Decoded, without the query: discord.js sends `@original` as `%40original`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or the `payload_json` part of a multipart upload. */
  body: unknown;
  files: RecordedFile[];
  at: number;
  /** Answered by an injected fault instead of the route. */
  fault: boolean;
}

export interface Fault {
  method?: string;
  path: RegExp;
  /** Ignored with `drop`. */
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Do what was asked (a message is created), then drop the connection: the answer is lost. */
  drop?: boolean;
}

export async function readRequest(req: IncomingMessage): Promise<Omit<RecordedRequest, "fault">> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const url = new URL(req.url ?? "/", "http://fake");
  const type = req.headers["content-type"] ?? "";
  let body: unknown;
  const files: RecordedFile[] = [];
  if (type.startsWith("multipart/form-data")) {
    // undici's Response parses multipart bodies, which is all this needs.
    const form = await new Response(raw, { headers: { "content-type": type } }).formData();
    for (const [field, value] of form) {
      if (typeof value === "string") {
        if (field === "payload_json") body = JSON.parse(value);
      } else {
        files.push({ field, name: value.name, type: value.type, size: value.size });
      }
    }
  } else if (raw.length > 0) {
    body = type.includes("json") ? JSON.parse(raw.toString("utf8")) : raw.toString("utf8");
  }
  return { method: req.method ?? "GET", path: decodeURIComponent(url.pathname), query: url.searchParams, headers: req.headers, body, files, at: performance.now() };
}

/** Snowflake-shaped IDs, unique and increasing within one fake. */
export function snowflakes(start = 1_300_000_000_000_000_000n): () => string {
  let next = start;
  return () => (next++).toString();
}
