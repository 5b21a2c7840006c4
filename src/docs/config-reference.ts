import { z } from "zod";
import { EnvSchema } from "../config/env-schema.js";
import { ConfigFileSchema } from "../config/file-schema.js";

// docs/configuration.md is rendered from the zod schemas, so the reference cannot drift from what
// loadConfig accepts; a test fails when the committed file is stale.

interface JsonSchema {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  required?: string[];
}

function toJson(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
}

function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(" \\| ");
  if (s.anyOf) return s.anyOf.map(typeOf).join(" or ");
  if (s.type === "array") return `list of ${s.items ? typeOf(s.items) : "values"}`;
  if (s.type === "integer") return "integer";
  return s.type ?? "any";
}

function defaultOf(s: JsonSchema): string {
  if (s.default === undefined || (typeof s.default === "object" && s.default !== null && !Array.isArray(s.default))) return "";
  if (Array.isArray(s.default)) return s.default.length === 0 ? "empty" : `\`${JSON.stringify(s.default)}\``;
  return `\`${JSON.stringify(s.default).replace(/^"|"$/g, "")}\``;
}

function rows(s: JsonSchema, path: string, out: string[][]): void {
  for (const [key, child] of Object.entries(s.properties ?? {})) {
    const at = path ? `${path}.${key}` : key;
    const item = child.type === "array" ? child.items : undefined;
    if (child.properties) {
      out.push([`\`${at}\``, "section", "", child.description ?? ""]);
      rows(child, at, out);
    } else if (item?.properties) {
      out.push([`\`${at}\``, "list of entries", "", child.description ?? ""]);
      rows(item, `${at}[]`, out);
    } else {
      const required = s.required?.includes(key) && child.default === undefined ? " (required)" : "";
      out.push([`\`${at}\``, typeOf(child) + required, defaultOf(child), child.description ?? ""]);
    }
  }
}

function table(header: string[], body: string[][]): string {
  const escape = (cell: string) => cell.replace(/\n/g, " ");
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...body.map((r) => `| ${r.map(escape).join(" | ")} |`)].join("\n");
}

export function renderConfigReference(): string {
  const env: string[][] = Object.entries(toJson(EnvSchema).properties ?? {}).map(([name, s]) => [
    `\`${name}\``,
    defaultOf(s),
    s.description ?? "",
  ]);
  const file: string[][] = [];
  rows(toJson(ConfigFileSchema), "", file);
  return `# Configuration reference

<!-- Generated from src/config by \`npm run docs\`; edit the schemas, not this file. -->

BanBot reads its settings once at startup: secrets, paths and ports from the environment, everything
else from the YAML file named by \`BANBOT_CONFIG\`. Unknown keys are errors, and every problem is
reported at once with what to fix. Empty environment variables count as unset.

## Environment

${table(["variable", "default", "meaning"], env)}

## Config file

${table(["key", "type", "default", "meaning"], file)}

Durations are written like \`500ms\`, \`10s\`, \`2h\`, \`7d\` or \`1h30m\`.
`;
}
