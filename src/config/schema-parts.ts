import { z } from "zod";
import { parseDuration } from "../core/duration.js";

// Pieces the config file's sections share.

export const list = <T extends z.ZodType>(item: T) => z.array(item).default(() => []);

export function duration(min: { ms: number; text: string }, max: { ms: number; text: string }) {
  const hint = "expected a duration like 10s or 1m30s, or a number of milliseconds";
  return z
    .union([z.int(), z.string()], { error: hint })
    .transform((value, ctx) => {
      const ms = typeof value === "number" ? value : parseDuration(value);
      if (ms === undefined) ctx.addIssue({ code: "custom", message: hint });
      else if (ms < min.ms || ms > max.ms) {
        const message = `must be between ${min.text} and ${max.text} (a bare number means milliseconds)`;
        ctx.addIssue({ code: "custom", message });
      }
      return ms ?? min.ms;
    });
}

export const port = z
  .string()
  .regex(/^\d+$/, "expected a port number 1–65535")
  .transform(Number)
  .pipe(z.int().min(1, "expected a port number 1–65535").max(65_535, "expected a port number 1–65535"));
export const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http(s) URL like http://127.0.0.1:8080/api/" });
