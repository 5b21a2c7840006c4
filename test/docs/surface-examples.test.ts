import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderConsoleSession, renderDiscordExamples, renderSlackExamples, surfaceExamples, withGenerated } from "../../src/docs/surface-examples.js";
import { componentsRefusal } from "../fakes/fake-discord-v2.js";

const DOCS = join(import.meta.dirname, "../../docs");
const read = (file: string) => readFileSync(join(DOCS, file), "utf8");

describe("the reply examples in docs/", () => {
  const examples = surfaceExamples();

  it.each([
    ["slack.md", "payloads", renderSlackExamples],
    ["discord.md", "payloads", renderDiscordExamples],
    ["console.md", "session", renderConsoleSession],
  ] as const)("docs/%s shows what the renderers send today (run `npm run docs` when this fails)", (file, name, render) => {
    const committed = read(file);
    expect(withGenerated(committed, name, render(examples))).toBe(committed);
  });

  it("shows a table, a chart, an alert and a confirmation, on both platforms, as the platforms take them", () => {
    expect(examples.map((e) => e.kind)).toEqual(["table", "chart", "alert", "confirmation"]);
    const json = (file: string) => [...read(file).matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);
    const slack = json("slack.md").map((message) => (message.blocks as { type: string }[]).map((b) => b.type));
    expect(slack).toEqual([
      ["header", "data_table", "actions", "context"],
      ["header", "section", "data_visualization"],
      ["header", "section", "section", "data_visualization", "context", "actions"],
      ["header", "section", "actions"],
    ]);
    const bodies = json("discord.md") as { flags?: number; components?: unknown[]; files?: string[]; attachments?: { filename: string }[] }[];
    expect(bodies).toHaveLength(4);
    // Replies name their files; an alert's REST body lists them as attachments.
    for (const body of bodies) expect(componentsRefusal(body, { files: body.files ?? body.attachments?.map((a) => a.filename) })).toBeUndefined();
    expect(bodies.map((b) => ((b.flags ?? 0) & (1 << 15) ? "v2" : "embed"))).toEqual(["v2", "embed", "v2", "embed"]);
  });

  // The examples come from the reply builders the alert and the commands use, so what drifted
  // when they were written by hand (the alert's Networks and notes, stop's confirmation) shows.
  it("documents the alert and the confirmation as BanBot words them", () => {
    const alert = examples.find((e) => e.kind === "alert")!.reply;
    expect(alert.fields?.map((f) => f.label)).toEqual(["Latest addresses", "Countries", "Networks"]);
    expect(alert.notes).toEqual(["Counted: bans fail2ban's filters made. BanBot's own, blocklists' and hand-made bans are not.", "Seen as the bans happened, from the history capture."]);
    expect(examples.find((e) => e.kind === "confirmation")!.reply.text).toMatch(/^Stops sshd: it reads no logs .* The button expires in 5m\.$/);
  });

  it("has the charts as PNGs in docs/images, drawn at the size the chart code draws them", () => {
    for (const image of examples.flatMap((e) => e.reply.images ?? [])) {
      const png = readFileSync(join(DOCS, "images", image.name));
      expect(png.subarray(1, 4).toString()).toBe("PNG");
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([image.width, image.height]);
    }
  });
});
