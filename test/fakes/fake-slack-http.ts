import type { IncomingHttpHeaders, IncomingMessage } from "node:http";

// The request-recording half of the fake Slack: what the bot sent, decoded the way Slack reads it.

export interface SlackRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Form or JSON fields; fields holding JSON (blocks, files) are parsed. */
  args: Record<string, unknown>;
  raw: Buffer;
  at: number;
  /** The HTTP status the fake answered with, once it has. */
  status?: number;
}

export interface SlackFault {
  /** Web API method (`chat.postMessage`) or path prefix (`/hooks/`) the fault answers. */
  target: string;
  /** HTTP status; 200 with `error` is a Slack platform error (`{ ok: false, error }`). */
  status?: number;
  error?: string;
  headers?: Record<string, string>;
  /** Do what was asked (a post is made), then drop the connection: the answer is lost. */
  drop?: boolean;
}

export async function readSlackRequest(req: IncomingMessage): Promise<SlackRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const type = req.headers["content-type"] ?? "";
  let args: Record<string, unknown> = {};
  if (type.includes("application/json") && raw.length > 0) {
    args = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
  } else if (type.includes("application/x-www-form-urlencoded")) {
    // The WebClient sends nested arguments (blocks, files) as JSON strings inside the form.
    for (const [key, value] of new URLSearchParams(raw.toString("utf8"))) args[key] = maybeJson(value);
  }
  const url = new URL(req.url ?? "/", "http://fake");
  return { method: req.method ?? "GET", path: url.pathname, headers: req.headers, args, raw, at: performance.now() };
}

function maybeJson(value: string): unknown {
  if (!/^[[{]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
