import { z } from "zod";

/** One configuration problem: where it is (env var name or file key path) and what to fix. */
export interface ConfigProblem {
  path: string;
  message: string;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(top level)" : out;
}

const NOUNS: Record<string, string> = {
  string: "text",
  array: "a list",
  object: "a mapping (key: value)",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
};

function describeValue(value: unknown): string {
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `text ${JSON.stringify(value)}`;
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${value}`;
  return typeof value;
}

/** Per-parse zod error map: plain-language type errors instead of zod's defaults. */
export const errorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === "invalid_value") {
    return `expected one of ${issue.values.map(String).join(", ")}; got ${describeValue(issue.input)}`;
  }
  if (issue.code === "too_small") {
    if (issue.origin === "string") return "must not be empty";
    if (issue.origin === "array") return `list at least ${issue.minimum} item${issue.minimum === 1 ? "" : "s"}`;
    return `must be at least ${issue.minimum}`;
  }
  if (issue.code === "too_big") return `must be at most ${issue.maximum}`;
  if (issue.code !== "invalid_type") return undefined;
  if (issue.input === undefined) return "required";
  return `expected ${NOUNS[issue.expected] ?? issue.expected}, got ${describeValue(issue.input)}`;
};

export function toProblems(issues: readonly z.core.$ZodIssue[], schema: z.ZodType): ConfigProblem[] {
  return issues.flatMap((issue) => {
    if (issue.code !== "unrecognized_keys") {
      return [{ path: formatPath(issue.path), message: issue.message }];
    }
    const known = keysAt(schema, issue.path);
    return issue.keys.map((key) => ({
      path: formatPath([...issue.path, key]),
      message: unknownKeyMessage(key, known),
    }));
  });
}

export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const guess = closest(key, known);
  if (guess !== undefined) return `unknown key — did you mean ${guess}?`;
  return known.length > 0 ? `unknown key — expected one of ${known.join(", ")}` : "unknown key";
}

function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const key of path) {
    if (current instanceof z.ZodObject && typeof key === "string") {
      current = (current.shape as Record<string, z.ZodType | undefined>)[key];
    } else if (current instanceof z.ZodArray && typeof key === "number") {
      current = current.element as z.ZodType;
    } else {
      return [];
    }
    current = current === undefined ? undefined : unwrap(current);
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodPipe) current = current.in as z.ZodType;
    else if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault
    )
      current = current.unwrap() as z.ZodType;
    else return current;
  }
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/** Levenshtein distance; key names are short, so the O(n·m) table is fine. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = row;
  }
  return previous[b.length]!;
}
