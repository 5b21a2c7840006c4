import type { RespondFn } from "@slack/bolt";

/**
 * Posts to a response_url as bolt's respond() does, but reads Slack's answer when it refuses: bolt
 * throws on any error status without the body, and only the body tells a message whose blocks this
 * workspace cannot show (`invalid_blocks`) from any other refusal (an expired URL, a message too
 * long). The error carries `statusCode` (for retries) and `refusal`, Slack's error code.
 */
export function responseUrlPoster(url: string): RespondFn {
  return async (message) => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(typeof message === "string" ? { text: message } : message),
    });
    if (res.ok) return res;
    const refusal = refusalOf(await res.text().catch(() => ""));
    throw Object.assign(new Error(`Slack refused the response: ${res.status}${refusal ? ` ${refusal}` : ""}`), { statusCode: res.status, refusal });
  };
}

// A response_url answers an error as a bare code (`invalid_blocks`); a JSON `{ error }` is read too.
function refusalOf(body: string): string | undefined {
  const text = body.trim();
  try {
    const parsed: unknown = JSON.parse(text);
    const error = (parsed as { error?: unknown } | null)?.error;
    if (typeof error === "string") return error;
  } catch {
    // Not JSON: the bare code, if it is one.
  }
  return /^[a-z_]{1,64}$/.test(text) ? text : undefined;
}
