import { z } from "zod";
import type { Reply } from "../core/reply.js";

// The neutral Reply as it crosses the wire between agent and front: JSON, images as base64, a
// missing row action as null. Checked at the front's boundary like any other input.

const ActionSchema = z.object({ label: z.string(), command: z.string(), style: z.enum(["primary", "danger"]).optional() });

const TableSchema = z.object({
  columns: z.array(z.string()),
  rows: z.array(z.array(z.union([z.string(), z.number()]))),
  align: z.array(z.enum(["left", "right"])).optional(),
  rowActions: z
    .array(ActionSchema.nullable())
    .transform((actions) => actions.map((a) => a ?? undefined))
    .optional(),
});

const ChartSchema = z.object({
  kind: z.enum(["ranking", "timeline"]),
  title: z.string(),
  categories: z.array(z.string()),
  series: z.array(z.object({ name: z.string(), values: z.array(z.number()) })),
  valueLabel: z.string(),
});

const ImageSchema = z.object({
  name: z.string(),
  png: z.base64().transform((text) => new Uint8Array(Buffer.from(text, "base64"))),
  alt: z.string(),
  width: z.number(),
  height: z.number(),
  chart: ChartSchema.optional(),
});

export const ReplySchema: z.ZodType<Reply, unknown> = z.object({
  title: z.string(),
  tone: z.enum(["ok", "info", "warn", "error"]),
  text: z.string().optional(),
  fields: z.array(z.object({ label: z.string(), value: z.string() })).optional(),
  table: TableSchema.optional(),
  paging: z.object({ page: z.number(), pages: z.number(), total: z.number(), prev: ActionSchema.optional(), next: ActionSchema.optional() }).optional(),
  notes: z.array(z.string()).optional(),
  images: z.array(ImageSchema).optional(),
  actions: z.array(ActionSchema).optional(),
  private: z.boolean().optional(),
});
