import { describe, expect, it } from "vitest";
import type { ActionRef } from "../../../src/adapters/discord/components.js";
import { renderMessage } from "../../../src/adapters/discord/message.js";
import { renderV2, type V2Message } from "../../../src/adapters/discord/v2.js";
import type { Reply } from "../../../src/core/reply.js";
import { componentsRefusal } from "../../fakes/fake-discord-v2.js";

const ref: ActionRef = (command, room) => (command.length + 1 <= room ? `=${command}` : "#key");
const Z = "\u200b";
const V2_FLAG = 1 << 15;

/** What Discord (and discord.js's builders) would say of the message, with the byline a click adds. */
const refusal = (msg: V2Message) =>
  componentsRefusal({ flags: V2_FLAG, components: [...msg.components, { type: 10, content: `-# by <@${"1".repeat(18)}>` }] }, { files: msg.files.map((f) => f.name) });

const banned = (n: number): Reply => ({
  title: `${n} banned in alpha`,
  tone: "info",
  table: {
    columns: ["address", "country", "ends"],
    rows: Array.from({ length: n }, (_, i) => [`192.0.2.${i + 1}`, "CN China", "in 1h"]),
    rowActions: Array.from({ length: n }, (_, i) => ({ label: "Unban", command: `unban 192.0.2.${i + 1} alpha` })),
  },
});

describe("renderV2", () => {
  it("GIVEN a table with row actions THEN gives a Container in the tone's colour with a Section and button per row", () => {
    const reply: Reply = {
      ...banned(2),
      text: "Newest *first*.",
      fields: [{ label: "Jail", value: "alpha" }],
      paging: { page: 1, pages: 2, total: 17, next: { label: "Next", command: "banned alpha after 1_192.0.2.2" } },
      actions: [{ label: "Refresh", command: "banned alpha" }],
    };
    const section = (ip: string, slot: number) => ({
      type: 9,
      components: [{ type: 10, content: `${ip} — country: CN China · ends: in 1h` }],
      accessory: { type: 2, style: 2, label: `Unban ${ip}`, custom_id: `b${slot}:=unban ${ip} alpha` },
    });
    const msg = renderV2(reply, ref);
    expect(msg).toEqual({
      v2: true,
      components: [
        {
          type: 17,
          accent_color: 0x5865f2,
          components: [
            { type: 10, content: "### 2 banned in alpha\nNewest \\*first\\*." },
            { type: 10, content: "**Jail**: alpha" },
            section("192.0.2.1", 1),
            section("192.0.2.2", 2),
            { type: 10, content: "-# Page 1 of 2 · 17 in all" },
            { type: 1, components: [{ type: 2, style: 2, label: "Next", custom_id: "b3:=banned alpha after 1_192.0.2.2" }] },
            { type: 1, components: [{ type: 2, style: 2, label: "Refresh", custom_id: "b0:=banned alpha" }] },
          ],
        },
      ],
      files: [],
      ephemeral: false,
    });
    expect(refusal(msg)).toBeUndefined();
  });

  it("GIVEN a table without actions THEN aligns it in a code block, escaping nothing inside it", () => {
    const reply: Reply = { title: "Top countries", tone: "info", table: { columns: ["country", "bans"], rows: [["CN *China*", "12"], ["US", "3"]], align: ["left", "right"] } };
    expect(renderV2(reply, ref).components[0]).toEqual({
      type: 17,
      accent_color: 0x5865f2,
      components: [
        { type: 10, content: "### Top countries" },
        { type: 10, content: ["```", "country     bans", "──────────  ────", "CN *China*    12", "US             3", "```"].join("\n") },
      ],
    });
  });

  it("GIVEN names and log text THEN escapes markdown and mentions outside code", () => {
    const msg = renderV2({ title: "Jail @everyone", tone: "warn", text: "<@&222222222222222222> **hi**", table: { columns: ["c"], rows: [["x"]], rowActions: [{ label: "Go", command: "jail x" }] } }, ref);
    const [head] = (msg.components[0] as { components: { content?: string }[] }).components;
    expect(head!.content).toBe(`### Jail @${Z}everyone\n<${Z}@&222222222222222222> \\*\\*hi\\*\\*`);
  });

  it("GIVEN more rows than one message holds THEN shows a view of them with Next, the next view with Prev, and the last from -1", () => {
    const reply = banned(30);
    const first = renderV2(reply, ref, { source: "jails" });
    const buttons = (msg: V2Message) => JSON.stringify(msg.components).match(/"custom_id":"v-?\d+:[^"]*"/g);
    const rows = (msg: V2Message) => (JSON.stringify(msg.components).match(/"type":9,/g) ?? []).length;
    const shown = rows(first);
    // 40 components, less the Container, heading, footer, byline and paging row: 11 Sections of 3.
    expect(shown).toBe(11);
    expect(JSON.stringify(first.components)).toContain('"-# Rows 1–11 of 30"');
    expect(buttons(first)).toEqual(['"custom_id":"v1:=jails"']);
    const middle = renderV2(reply, ref, { source: "jails", view: 1 });
    expect(JSON.stringify(middle.components)).toContain('"-# Rows 12–22 of 30"');
    expect(buttons(middle)).toEqual(['"custom_id":"v0:=jails"', '"custom_id":"v2:=jails"']);
    const last = renderV2(reply, ref, { source: "jails", view: -1 });
    expect(JSON.stringify(last.components)).toContain('"-# Rows 23–30 of 30"');
    expect(renderV2(reply, ref, { source: "jails", view: 99 })).toEqual(last);
    for (const msg of [first, middle, last]) expect(refusal(msg)).toBeUndefined();
  });

  it("GIVEN more rows than fit and no command to run again (an alert) THEN cuts them and says so", () => {
    const msg = renderV2(banned(30), ref);
    expect(JSON.stringify(msg.components)).toContain('"-# Cut to fit Discord: 19 of 30 rows not shown."');
    expect(JSON.stringify(msg.components)).not.toContain('"custom_id":"v');
  });

  it("GIVEN long cells, text, fields, notes and buttons THEN every view stays within 40 components and 4000 characters", () => {
    const long = "x".repeat(400);
    const reply: Reply = {
      title: "t".repeat(300),
      tone: "error",
      text: long.repeat(10),
      fields: Array.from({ length: 30 }, (_, i) => ({ label: `field ${i}`, value: long })),
      notes: [long, long],
      table: { columns: ["a", "b"], rows: Array.from({ length: 200 }, (_, i) => [`${i}${long}`, long]), rowActions: Array.from({ length: 200 }, (_, i) => (i % 3 ? { label: "Do", command: `jail ${i}` } : undefined)) },
      actions: Array.from({ length: 30 }, (_, i) => ({ label: `Act ${i}`, command: `status ${i}` })),
      paging: { page: 2, pages: 3, total: 600, prev: { label: "Prev", command: "audit before x" }, next: { label: "Next", command: "audit after y" } },
    };
    for (const view of [0, 1, 5, -1]) expect(refusal(renderV2(reply, ref, { source: "audit", view }))).toBeUndefined();
    const text = renderV2({ ...reply, table: { columns: ["a"], rows: Array.from({ length: 150 }, (_, i) => [`${i} ${long}`]) } }, ref, { source: "audit" });
    expect(refusal(text)).toBeUndefined();
  });

  it("GIVEN images THEN shows them in a media gallery of the message's files", () => {
    const png = new Uint8Array([137, 80, 78, 71]);
    const msg = renderV2({ title: "Spike", tone: "warn", images: [{ name: "bans per minute.png", png, alt: "bars", width: 1, height: 1 }] }, ref);
    expect(msg.files).toEqual([{ name: "bans_per_minute.png", data: png, description: "bars" }]);
    expect((msg.components[0] as { components: unknown[] }).components[1]).toEqual({ type: 12, items: [{ media: { url: "attachment://bans_per_minute.png" }, description: "bars" }] });
    expect(refusal(msg)).toBeUndefined();
  });
});

describe("renderMessage chooses the layout per reply", () => {
  const plain: Reply = { title: "Jail alpha", tone: "info", fields: [{ label: "Ban time", value: "1h" }] };
  it.each<[string, Reply, Parameters<typeof renderMessage>[2], "embed" | "v2"]>([
    ["fields and text: an embed, which lays short fields side by side", plain, {}, "embed"],
    ["a table: Components V2", banned(3), {}, "v2"],
    ["an alert: a Container", plain, { alert: true }, "v2"],
    ["a reply replacing a Components V2 message: V2, which it cannot stop being", plain, { replacesV2: true }, "v2"],
    ["a table beside more text than V2 carries: an embed, which carries 6000 characters", { ...banned(3), text: "x".repeat(3200) }, {}, "embed"],
  ])("%s", (_, reply, opts, layout) => {
    expect("v2" in renderMessage(reply, ref, opts) ? "v2" : "embed").toBe(layout);
  });
});
