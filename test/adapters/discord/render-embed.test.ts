import { describe, expect, it } from "vitest";
import type { ActionRef } from "../../../src/adapters/discord/components.js";
import { renderEmbed } from "../../../src/adapters/discord/render.js";
import type { Reply } from "../../../src/core/reply.js";

// Commands that fit travel as themselves; longer ones would get a key (the real ActionKeys).
const ref: ActionRef = (command, room) => (command.length + 1 <= room ? `=${command}` : "#key");
const Z = "\u200b";

describe("renderEmbed", () => {
  it("GIVEN a plain reply THEN gives one embed in the tone's colour", () => {
    expect(renderEmbed({ title: "Banned 203.0.113.5 in sshd", tone: "ok", text: "Lifted in `2h`." }, ref)).toEqual({
      embeds: [{ title: "Banned 203.0.113.5 in sshd", color: 0x2ecc71, description: "Lifted in `2h`." }],
      components: [],
      files: [],
      ephemeral: false,
    });
  });

  it.each([
    ["ok", 0x2ecc71],
    ["info", 0x5865f2],
    ["warn", 0xf1a40f],
    ["error", 0xe74c3c],
  ] as const)("GIVEN tone %s THEN colours the embed %i", (tone, color) => {
    expect(renderEmbed({ title: "t", tone }, ref).embeds[0]?.color).toBe(color);
  });

  it("GIVEN a private reply THEN marks it ephemeral", () => {
    expect(renderEmbed({ title: "Not allowed", tone: "error", private: true }, ref).ephemeral).toBe(true);
  });

  it("GIVEN names and log text THEN escapes markdown and mentions everywhere but code spans", () => {
    const reply: Reply = {
      title: "Jail *prod* @everyone",
      tone: "warn",
      text: "Log: <@&222222222222222222> said **hi** in `a*b`",
      fields: [{ label: "By_user", value: "@here [x](y)" }],
    };
    expect(renderEmbed(reply, ref).embeds[0]).toEqual({
      title: `Jail \\*prod\\* @${Z}everyone`,
      color: 0xf1a40f,
      description: `Log: <${Z}@&222222222222222222> said \\*\\*hi\\*\\* in \`a*b\``,
      fields: [{ name: "By\\_user", value: `@${Z}here \\[x\\]\\(y\\)`, inline: true }],
    });
  });

  it("GIVEN fields THEN short single-line values go inline, others full width, empty ones get a dash", () => {
    const fields = renderEmbed(
      { title: "t", tone: "info", fields: [{ label: "Jails", value: "2 (alpha, beta)" }, { label: "Examples", value: "`ban 1`\n`ban 2`" }, { label: "Empty", value: "" }] },
      ref,
    ).embeds[0]?.fields;
    expect(fields).toEqual([
      { name: "Jails", value: "2 \\(alpha, beta\\)", inline: true },
      { name: "Examples", value: "`ban 1`\n`ban 2`", inline: false },
      { name: "Empty", value: "—", inline: true },
    ]);
  });

  it("GIVEN a table THEN aligns it as monospace text in a code block, after the text", () => {
    const reply: Reply = {
      title: "2 jails",
      tone: "info",
      text: "All *up*.",
      table: { columns: ["jail", "banned"], rows: [["sshd", "12"], ["nginx-`x`", "3"]], align: ["left", "right"] },
    };
    expect(renderEmbed(reply, ref).embeds[0]?.description).toBe(
      ["All \\*up\\*.", "", "```", "jail     banned", "───────  ──────", "sshd         12", "nginx-x       3", "```"].join("\n"),
    );
  });

  it("GIVEN a table too wide for an embed's code block THEN gives a line per row, cells labelled by column", () => {
    const reply: Reply = {
      title: "2 jails",
      tone: "info",
      table: {
        columns: ["jail", "banned", "total", "failing", "failures", "bantime", "findtime", "maxretry", ""],
        rows: [
          ["alpha", "2", "2", "0", "0", "1h", "1h", "3", ""],
          ["beta_*", "1", "1", "0", "2", "1h", "1h", "2", "idle"],
        ],
      },
    };
    expect(renderEmbed(reply, ref).embeds[0]?.description).toBe(
      [
        "alpha — banned: 2 · total: 2 · failing: 0 · failures: 0 · bantime: 1h · findtime: 1h · maxretry: 3",
        "beta\\_\\* — banned: 1 · total: 1 · failing: 0 · failures: 2 · bantime: 1h · findtime: 1h · maxretry: 2 · idle",
      ].join("\n"),
    );
    const help: Reply = { title: "help", tone: "info", table: { columns: ["Command", "What it does", "Role"], rows: [["`ban <ip>… <jail> [for <duration>]`", "Ban addresses in a jail now, optionally for a set time", "operator"]] } };
    expect(renderEmbed(help, ref).embeds[0]?.description).toBe("`ban <ip>… <jail> [for <duration>]` — What it does: Ban addresses in a jail now, optionally for a set time · Role: operator");
  });

  it("GIVEN a cell with backticks that are not a span THEN they cannot close the code block", () => {
    const reply: Reply = { title: "t", tone: "info", table: { columns: ["c"], rows: [["a```b"]] } };
    expect(renderEmbed(reply, ref).embeds[0]?.description).toBe("```\nc\n─────\naˋˋˋb\n```");
  });

  it("GIVEN up to five row actions THEN gives a row of buttons naming each row", () => {
    const reply: Reply = {
      title: "2 banned in sshd",
      tone: "info",
      table: {
        columns: ["address"],
        rows: [["192.0.2.1"], ["192.0.2.2"]],
        rowActions: [{ label: "Unban", command: "unban 192.0.2.1 sshd" }, { label: "Unban", command: "unban 192.0.2.2 sshd" }],
      },
    };
    expect(renderEmbed(reply, ref).components).toEqual([
      {
        type: 1,
        components: [
          { type: 2, style: 2, label: "Unban 192.0.2.1", custom_id: "b0:=unban 192.0.2.1 sshd" },
          { type: 2, style: 2, label: "Unban 192.0.2.2", custom_id: "b1:=unban 192.0.2.2 sshd" },
        ],
      },
    ]);
  });

  it("GIVEN a page of 15 rows with actions THEN gives a select menu, Prev/Next and the page in the footer", () => {
    const ips = Array.from({ length: 15 }, (_, i) => `198.18.0.${i + 1}`);
    const reply: Reply = {
      title: "40 banned in alpha",
      tone: "info",
      table: { columns: ["address", "ends"], rows: ips.map((ip) => [ip, "in 1h"]), rowActions: ips.map((ip) => ({ label: "Unban", command: `unban ${ip} alpha` })) },
      paging: { page: 2, pages: 3, total: 40, prev: { label: "Prev", command: "banned alpha before 1_198.18.0.1" }, next: { label: "Next", command: "banned alpha after 1_198.18.0.15" } },
    };
    const msg = renderEmbed(reply, ref);
    expect(msg.embeds[0]?.footer).toEqual({ text: "Page 2 of 3 · 40 in all" });
    expect(msg.components).toEqual([
      {
        type: 1,
        components: [
          {
            type: 3,
            custom_id: "s0",
            placeholder: "Unban…",
            options: ips.map((ip) => ({ label: `Unban ${ip}`, value: `=unban ${ip} alpha`, description: "in 1h" })),
          },
        ],
      },
      {
        type: 1,
        components: [
          { type: 2, style: 2, label: "Prev", custom_id: "b0:=banned alpha before 1_198.18.0.1" },
          { type: 2, style: 2, label: "Next", custom_id: "b1:=banned alpha after 1_198.18.0.15" },
        ],
      },
    ]);
  });

  it("GIVEN a confirmation THEN styles Confirm as danger, and a command too long for custom_id uses a key", () => {
    const long = `stop ${"j".repeat(90)} --confirm=abc`;
    const msg = renderEmbed(
      { title: "Confirm: stop sshd", tone: "warn", private: true, actions: [{ label: "Confirm", command: long, style: "danger" }, { label: "Cancel", command: "cancel abc" }] },
      ref,
    );
    expect(msg.components).toEqual([
      {
        type: 1,
        components: [
          { type: 2, style: 4, label: "Confirm", custom_id: "b0:#key" },
          { type: 2, style: 2, label: "Cancel", custom_id: "b1:=cancel abc" },
        ],
      },
    ]);
  });

  it("GIVEN images THEN attaches them and shows the first in the embed, the rest in their own", () => {
    const png = new Uint8Array([137, 80, 78, 71]);
    const msg = renderEmbed(
      { title: "Top countries", tone: "info", images: [{ name: "top countries.png", png, alt: "bar chart", width: 600, height: 300 }, { name: "trend.png", png, alt: "line", width: 1, height: 1 }] },
      ref,
    );
    expect(msg.embeds).toEqual([
      { title: "Top countries", color: 0x5865f2, image: { url: "attachment://top_countries.png" } },
      { color: 0x5865f2, image: { url: "attachment://trend.png" } },
    ]);
    expect(msg.files).toEqual([
      { name: "top_countries.png", data: png, description: "bar chart" },
      { name: "trend.png", data: png, description: "line" },
    ]);
  });
});

describe("renderEmbed within Discord's limits", () => {
  const total = (msg: Message) =>
    msg.embeds.reduce(
      (n, e) => n + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.fields ?? []).reduce((m, f) => m + f.name.length + f.value.length, 0),
      0,
    );

  type Message = ReturnType<typeof renderEmbed>;
  const CUTS: [string, Partial<Reply>, (m: Message) => unknown, unknown][] = [
    ["a 300-character title", { title: "t".repeat(300) }, (m) => m.embeds[0]?.title, `${"t".repeat(255)}…`],
    ["a 5000-character text", { text: "x".repeat(5000) }, (m) => m.embeds[0]?.description, `${"x".repeat(4095)}…`],
    ["a 2000-character field", { fields: [{ label: "l".repeat(300), value: "v".repeat(2000) }] }, (m) => m.embeds[0]?.fields?.[0], { name: `${"l".repeat(255)}…`, value: `${"v".repeat(1023)}…`, inline: false }],
    ["30 fields", { fields: Array.from({ length: 30 }, (_, i) => ({ label: `f${i}`, value: "v" })) }, (m) => [m.embeds[0]?.fields?.length, m.embeds[0]?.footer?.text], [25, "Cut to fit Discord: 5 fields not shown."]],
  ];

  it.each(CUTS)("GIVEN %s THEN cuts it with a visible mark", (_, extra, pick, expected) => {
    expect(pick(renderEmbed({ title: "t", tone: "info", ...extra }, ref))).toEqual(expected);
  });

  it("GIVEN 500 table rows THEN shows what fits in 4096 characters and says how many are not shown", () => {
    const rows = Array.from({ length: 500 }, (_, i) => [`10.0.${i >> 8}.${i & 255}`, "in 59m"]);
    const msg = renderEmbed({ title: "500 banned", tone: "info", table: { columns: ["address", "ends"], rows } }, ref);
    const description = msg.embeds[0]?.description ?? "";
    expect(description.length).toBeLessThanOrEqual(4096);
    expect(description.endsWith("\n```")).toBe(true);
    const shown = description.split("\n").length - 4;
    expect(shown).toBe(213);
    expect(msg.embeds[0]?.footer?.text).toBe(`Cut to fit Discord: ${500 - shown} of 500 rows not shown.`);
  });

  it("GIVEN 25 full fields and a long text THEN keeps the whole message within 6000 characters", () => {
    const fields = Array.from({ length: 25 }, (_, i) => ({ label: `field ${i}`, value: "v".repeat(1024) }));
    const msg = renderEmbed({ title: "big", tone: "info", text: "x".repeat(4096), fields }, ref);
    expect(total(msg)).toBeLessThanOrEqual(6000);
    expect(msg.embeds[0]?.fields).toHaveLength(4);
    expect(msg.embeds[0]?.description?.length).toBeGreaterThanOrEqual(1000);
    expect(msg.embeds[0]?.footer?.text).toBe("Cut to fit Discord: 21 fields not shown.");
  });

  it("GIVEN 12 images THEN sends 10 embeds and says two are missing", () => {
    const png = new Uint8Array([1]);
    const images = Array.from({ length: 12 }, (_, i) => ({ name: "chart.png", png, alt: `chart ${i}`, width: 1, height: 1 }));
    const msg = renderEmbed({ title: "charts", tone: "info", images }, ref);
    expect(msg.embeds).toHaveLength(10);
    expect(msg.files.map((f) => f.name).slice(0, 3)).toEqual(["chart.png", "2-chart.png", "3-chart.png"]);
    expect(msg.embeds[0]?.footer?.text).toBe("Cut to fit Discord: 2 images not shown.");
  });

  it("GIVEN 30 actions THEN shows 5 rows of 5 buttons and says the rest did not fit", () => {
    const actions = Array.from({ length: 30 }, (_, i) => ({ label: `Do ${i}`, command: `status ${i}` }));
    const msg = renderEmbed({ title: "t", tone: "info", actions }, ref);
    expect(msg.components.map((r) => r.components.length)).toEqual([5, 5, 5, 5, 5]);
    expect(msg.embeds[0]?.footer?.text).toBe("Cut to fit Discord: 5 more buttons did not fit.");
  });

  it("GIVEN 80 row actions beside paging and actions THEN fills the three rows left with 25-choice menus", () => {
    const rows = Array.from({ length: 80 }, (_, i) => [`10.0.0.${i}`]);
    const rowActions = rows.map(([ip]) => ({ label: "Unban", command: `unban ${ip}` }));
    const reply: Reply = {
      title: "t",
      tone: "info",
      table: { columns: ["address"], rows, rowActions },
      paging: { page: 1, pages: 2, total: 90, next: { label: "Next", command: "banned x after 1_10.0.0.79" } },
      actions: [{ label: "Refresh", command: "banned x" }],
    };
    const msg = renderEmbed(reply, ref);
    expect(msg.components.map((r) => [r.components[0]?.type, r.components.length])).toEqual([[3, 1], [3, 1], [3, 1], [2, 1], [2, 1]]);
    expect(msg.components.slice(0, 3).map((r) => (r.components[0] as { options: unknown[] }).options.length)).toEqual([25, 25, 25]);
    expect(msg.embeds[0]?.footer?.text).toBe("Page 1 of 2 · 90 in all\nCut to fit Discord: 5 row actions did not fit; type the commands instead.");
  });

  it("GIVEN labels over 80 characters THEN clips button labels", () => {
    const msg = renderEmbed({ title: "t", tone: "info", actions: [{ label: "L".repeat(100), command: "status" }] }, ref);
    expect(msg.components[0]?.components[0]).toMatchObject({ label: `${"L".repeat(79)}…` });
  });
});
