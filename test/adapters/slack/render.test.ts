import { describe, expect, it } from "vitest";
import type { DataVisualizationBlock } from "../../../src/adapters/slack/data-blocks.js";
import { imagesToUpload, renderReply } from "../../../src/adapters/slack/render.js";
import type { Image, Reply } from "../../../src/core/reply.js";

const ZWSP = "\u200B";
const ZWJ = "\u200D";
const header = (text: string) => ({ type: "header", text: { type: "plain_text", text, emoji: true } });
const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });
const context = (...texts: string[]) => ({ type: "context", elements: texts.map((text) => ({ type: "mrkdwn", text })) });
const button = (n: number, text: string, value: string, extra: Record<string, unknown> = {}) => ({
  type: "button",
  action_id: `f2b:${n}`,
  text: { type: "plain_text", text, emoji: true },
  value,
  ...extra,
});

describe("renderReply", () => {
  it.each<[string, Reply, unknown]>([
    [
      "a title alone",
      { title: "Banned 203.0.113.5 in sshd", tone: "ok" },
      { text: "✅ Banned 203.0.113.5 in sshd", blocks: [header("✅ Banned 203.0.113.5 in sshd")] },
    ],
    [
      "text with code spans, fields and notes",
      {
        title: "Jail sshd",
        tone: "info",
        text: "Type `help ban` for more.",
        fields: [
          { label: "Ban time", value: "1h" },
          { label: "Failure patterns", value: "`^Failed password for .* from <HOST>$`" },
        ],
        notes: ["Runtime change: a reload resets it."],
      },
      {
        text: "ℹ️ Jail sshd",
        blocks: [
          header("ℹ️ Jail sshd"),
          section("Type `help ban` for more."),
          {
            type: "section",
            fields: [
              { type: "mrkdwn", text: "*Ban time*\n1h" },
              { type: "mrkdwn", text: "*Failure patterns*\n`^Failed password for .* from &lt;HOST&gt;$`" },
            ],
          },
          context("Runtime change: a reload resets it."),
        ],
      },
    ],
    [
      "a table with right-aligned columns, per-row buttons and paging",
      {
        title: "3 banned in sshd",
        tone: "info",
        table: {
          columns: ["address", "ends"],
          rows: [
            ["192.0.2.1", "in 1h"],
            ["2001:db8::1", "never"],
          ],
          align: ["left", "right"],
          rowActions: [{ label: "Unban", command: "unban 192.0.2.1 sshd" }, undefined],
        },
        paging: { page: 1, pages: 2, total: 3, next: { label: "Next", command: "banned sshd after 1_2001:db8::1" } },
      },
      {
        text: "ℹ️ 3 banned in sshd",
        blocks: [
          header("ℹ️ 3 banned in sshd"),
          section("```\naddress       ends\n───────────  ─────\n192.0.2.1    in 1h\n2001:db8::1  never\n```"),
          { type: "actions", elements: [button(0, "Unban 192.0.2.1", "unban 192.0.2.1 sshd")] },
          context("Page 1 of 2 · 3 in all"),
          { type: "actions", elements: [button(1, "Next", "banned sshd after 1_2001:db8::1")] },
        ],
      },
    ],
    [
      "a danger button with a confirmation dialog",
      { title: "Jail sshd", tone: "info", actions: [{ label: "Banned", command: "banned sshd" }, { label: "Stop", command: "stop sshd", style: "danger" }] },
      {
        text: "ℹ️ Jail sshd",
        blocks: [
          header("ℹ️ Jail sshd"),
          {
            type: "actions",
            elements: [
              button(0, "Banned", "banned sshd"),
              button(1, "Stop", "stop sshd", {
                style: "danger",
                confirm: {
                  title: { type: "plain_text", text: "Are you sure?", emoji: true },
                  text: { type: "mrkdwn", text: "This runs `stop sshd`." },
                  confirm: { type: "plain_text", text: "Stop", emoji: true },
                  deny: { type: "plain_text", text: "Cancel", emoji: true },
                  style: "danger",
                },
              }),
            ],
          },
        ],
      },
    ],
    [
      "a confirmation reply, whose Confirm button is the question already",
      {
        title: "Confirm: stop sshd",
        tone: "warn",
        private: true,
        actions: [
          { label: "Confirm", command: "stop sshd --confirm=tok3n_abc", style: "danger" },
          { label: "Cancel", command: "cancel tok3n_abc" },
        ],
      },
      {
        text: "⚠️ Confirm: stop sshd",
        blocks: [
          header("⚠️ Confirm: stop sshd"),
          { type: "actions", elements: [button(0, "Confirm", "stop sshd --confirm=tok3n_abc", { style: "danger" }), button(1, "Cancel", "cancel tok3n_abc")] },
        ],
      },
    ],
  ])("renders %s", (_name, reply, expected) => {
    expect(renderReply(reply)).toEqual(expected);
  });

  it("escapes log-derived text so it can neither mention nor format", () => {
    const reply: Reply = {
      title: "Ban <!channel> @here",
      tone: "error",
      text: "from <@U0BOSS> *now* _see_ `<!here>` > quoted",
      fields: [{ label: "<b>", value: "@everyone & `" }],
      table: { columns: ["line"], rows: [["<!channel> @here ```"]] },
    };
    expect(renderReply(reply)).toEqual({
      text: `❌ Ban &lt;!channel&gt; @${ZWJ}here`,
      blocks: [
        header(`❌ Ban &lt;!channel&gt; @${ZWJ}here`),
        section(`from &lt;@U0BOSS&gt; ${ZWSP}*now* ${ZWSP}_see_ \`&lt;!here&gt;\` &gt; quoted`),
        { type: "section", fields: [{ type: "mrkdwn", text: `*&lt;b&gt;*\n@${ZWJ}everyone &amp; ˋ` }] },
        section(`\`\`\`\nline\n${"─".repeat(20)}\n&lt;!channel&gt; @${ZWJ}here ˋˋˋ\n\`\`\``),
      ],
    });
  });

  it("adds who pressed the button, and a note for images it could not attach", () => {
    const reply: Reply = { title: "Unbanned 192.0.2.1 in sshd", tone: "ok", images: [{ name: "c.png", png: new Uint8Array(), alt: "chart", width: 1, height: 1 }] };
    expect(renderReply(reply, { attribution: { label: "Unban 192.0.2.1", userId: "U0ADMIN" }, imagesWithheld: true }).blocks).toEqual([
      header("✅ Unbanned 192.0.2.1 in sshd"),
      context("1 chart(s) left out: Slack cannot attach files to a reply only you can see."),
      context("Unban 192.0.2.1 by <@U0ADMIN>"),
    ]);
  });
});

describe("renderReply within Slack's limits", () => {
  it("cuts a header to 150 characters and a button label to 75", () => {
    const { blocks } = renderReply({ title: "x".repeat(200), tone: "info", actions: [{ label: "y".repeat(100), command: "help" }] });
    expect(blocks).toEqual([header(`ℹ️ ${"x".repeat(146)}…`), { type: "actions", elements: [button(0, `${"y".repeat(74)}…`, "help")] }]);
  });

  it("splits text over sections of at most 3000 characters, on line breaks", () => {
    const line = "z".repeat(999);
    const { blocks } = renderReply({ title: "t", tone: "info", text: [line, line, line, line].join("\n") });
    expect(blocks).toEqual([header("ℹ️ t"), section([line, line, line].join("\n")), section(line)]);
  });

  it("puts at most ten fields in a section and cuts a value to 2000 characters", () => {
    const fields = Array.from({ length: 12 }, (_, i) => ({ label: `f${i}`, value: i === 0 ? "v".repeat(2100) : "v" }));
    const { blocks } = renderReply({ title: "t", tone: "info", fields });
    expect(blocks.map((b) => (b.type === "section" ? b.fields?.length : b.type))).toEqual(["header", 10, 2]);
    expect(blocks[1]).toHaveProperty(["fields", 0], { type: "mrkdwn", text: `*f0*\n${"v".repeat(2000 - 6)}…` });
  });

  it("puts at most 25 buttons in an actions block", () => {
    const rows = Array.from({ length: 30 }, (_, i) => [`198.51.100.${i}`]);
    const { blocks } = renderReply({ title: "t", tone: "info", table: { columns: ["address"], rows, rowActions: rows.map(([ip]) => ({ label: "Unban", command: `unban ${ip}` })) } });
    expect(blocks.filter((b) => b.type === "actions").map((b) => (b.type === "actions" ? b.elements.length : 0))).toEqual([25, 5]);
  });

  it("leaves out a button whose command Slack cannot carry, and says so", () => {
    const { blocks } = renderReply({ title: "t", tone: "info", actions: [{ label: "Unban all of them", command: `unban ${"192.0.2.1 ".repeat(300)}` }] });
    expect(blocks).toEqual([header("ℹ️ t"), context('Left out button(s) "Unban all of them": the command is longer than Slack allows; type it instead.')]);
  });

  it("keeps to 50 blocks, cutting the body and keeping paging and buttons", () => {
    const fields = Array.from({ length: 600 }, (_, i) => ({ label: `f${i}`, value: "v" }));
    const reply: Reply = { title: "t", tone: "info", fields, paging: { page: 1, pages: 9, total: 900 }, actions: [{ label: "Help", command: "help" }] };
    const { blocks } = renderReply(reply);
    expect(blocks).toHaveLength(50);
    expect(blocks[0]).toEqual(header("ℹ️ t"));
    // 61 body blocks (the header and 60 sections of ten fields) and 2 tail blocks: 14 give way.
    expect(blocks.slice(-3)).toEqual([
      context("Cut short: 14 more part(s) did not fit (Slack shows at most 50 blocks in a message)."),
      context("Page 1 of 9 · 900 in all"),
      { type: "actions", elements: [button(0, "Help", "help")] },
    ]);
  });
});

describe("renderReply with Slack's data blocks", () => {
  const ALL = new Set(["data_table", "data_visualization"] as const);
  const text = (t: string) => ({ type: "raw_text", text: t });
  const num = (value: number, t = String(value)) => ({ type: "raw_number", value, text: t });
  const chartImage = (name: string, chart: NonNullable<Image["chart"]>): Image => ({ name, png: new Uint8Array([1]), alt: `${name} alt`, width: 1, height: 1, chart });

  it("renders a table as a data_table with a header row, numbers as raw_number, and keeps the per-row buttons", () => {
    const reply: Reply = {
      title: "Top ips, last 30d",
      tone: "info",
      table: {
        columns: ["address", "#", "bans", "share"],
        rows: [
          ["192.0.2.1", "1", "1,204", "60.2%"],
          ["`2001:db8::1`", "2", "796", ""],
        ],
        align: ["left", "right", "right", "right"],
        rowActions: [{ label: "History", command: "history 192.0.2.1" }, undefined],
      },
    };
    expect(renderReply(reply, { dataBlocks: ALL }).blocks).toEqual([
      header("ℹ️ Top ips, last 30d"),
      {
        type: "data_table",
        caption: "Top ips, last 30d",
        rows: [
          [text("address"), text("#"), text("bans"), text("share")],
          [text("192.0.2.1"), num(1), num(1204, "1,204"), num(60.2, "60.2%")],
          [text("2001:db8::1"), num(2), num(796), text("—")],
        ],
        page_size: 2,
      },
      { type: "actions", elements: [button(0, "History 192.0.2.1", "history 192.0.2.1")] },
    ]);
  });

  it("escapes cells as plain text: no mention, no formatting", () => {
    const block = renderReply({ title: "t", tone: "info", table: { columns: ["line"], rows: [["<!channel> @here *x*"]] } }, { dataBlocks: ALL }).blocks[1];
    expect(block).toEqual({ type: "data_table", caption: "t", rows: [[text("line")], [text(`&lt;!channel&gt; @${ZWJ}here *x*`)]], page_size: 1 });
  });

  it("shows 25 rows a page and falls back to text past 100 rows or 10,000 characters", () => {
    const rows = (n: number, cell = "x") => Array.from({ length: n }, () => [cell]);
    const typeOf = (reply: Reply) => renderReply(reply, { dataBlocks: ALL }).blocks[1];
    expect(typeOf({ title: "t", tone: "info", table: { columns: ["c"], rows: rows(100) } })).toMatchObject({ type: "data_table", page_size: 25 });
    expect(typeOf({ title: "t", tone: "info", table: { columns: ["c"], rows: rows(101) } })).toMatchObject({ type: "section" });
    expect(typeOf({ title: "t", tone: "info", table: { columns: ["c"], rows: rows(99, "y".repeat(80)) } })).toMatchObject({ type: "data_table" });
    expect(typeOf({ title: "t", tone: "info", table: { columns: ["c", "d"], rows: rows(70, "y".repeat(80)).map((r) => [...r, "y".repeat(80)]) } })).toMatchObject({ type: "section" });
  });

  it("draws a ranking as a bar chart and a timeline of several jails as lines, after the table, and uploads nothing", () => {
    const top = chartImage("top.png", { kind: "ranking", title: "Top countries by bans", categories: ["CN China", "US United States"], series: [{ name: "bans", values: [40, 12] }], valueLabel: "bans" });
    const stats = chartImage("stats.png", { kind: "timeline", title: "Bans per day", categories: ["Nov 21", "Nov 22"], series: [{ name: "sshd", values: [3, 4] }, { name: "nginx", values: [0, 1] }], valueLabel: "bans" });
    const reply: Reply = { title: "Top", tone: "info", images: [top, stats] };
    expect(renderReply(reply, { dataBlocks: ALL, imagesWithheld: true }).blocks).toEqual([
      header("ℹ️ Top"),
      {
        type: "data_visualization",
        title: "Top countries by bans",
        chart: {
          type: "bar",
          series: [{ name: "bans", data: [{ label: "CN China", value: 40 }, { label: "US United States", value: 12 }] }],
          axis_config: { categories: ["CN China", "US United States"], y_label: "bans" },
        },
      },
      {
        type: "data_visualization",
        title: "Bans per day",
        chart: {
          type: "line",
          series: [
            { name: "sshd", data: [{ label: "Nov 21", value: 3 }, { label: "Nov 22", value: 4 }] },
            { name: "nginx", data: [{ label: "Nov 21", value: 0 }, { label: "Nov 22", value: 1 }] },
          ],
          axis_config: { categories: ["Nov 21", "Nov 22"], x_label: "UTC", y_label: "bans" },
        },
      },
    ]);
    expect(imagesToUpload(reply, ALL)).toEqual([]);
    expect(imagesToUpload(reply)).toEqual([top, stats]);
  });

  it("draws at most two charts; the rest, and images without chart data, are uploaded", () => {
    const chart = { kind: "ranking" as const, title: "c", categories: ["a"], series: [{ name: "bans", values: [1] }], valueLabel: "bans" };
    const images = [chartImage("1", chart), { ...chartImage("plain", chart), chart: undefined }, chartImage("2", chart), chartImage("3", chart)];
    const reply: Reply = { title: "t", tone: "info", images };
    expect(renderReply(reply, { dataBlocks: ALL }).blocks.filter((b) => b.type === "data_visualization")).toHaveLength(2);
    expect(imagesToUpload(reply, ALL).map((i) => i.name)).toEqual(["plain", "3"]);
    expect(renderReply(reply, { dataBlocks: ALL, imagesWithheld: true }).blocks.at(-1)).toEqual(context("2 chart(s) left out: Slack cannot attach files to a reply only you can see."));
  });

  it("keeps a chart within Slack's limits: title 50, labels 20 and unique, 6 series, 20 categories", () => {
    const series = Array.from({ length: 8 }, (_, i) => ({ name: i === 0 ? "nginx-botsearch-and-more" : `jail${i}`, values: Array.from({ length: 25 }, () => i + 1) }));
    const categories = Array.from({ length: 25 }, (_, h) => `${String(h % 24).padStart(2, "0")}:00`);
    const block = renderReply(
      { title: "t", tone: "info", images: [chartImage("s", { kind: "timeline", title: `Bans per hour ${"x".repeat(60)}`, categories, series, valueLabel: "bans" })] },
      { dataBlocks: new Set(["data_visualization"]) },
    ).blocks[1] as DataVisualizationBlock;
    expect(block.title).toBe(`Bans per hour ${"x".repeat(35)}…`);
    expect(block.title).toHaveLength(50);
    // 25 hours in 13 points of 2 hours; the 3 smallest jails summed as "other".
    expect(block.chart.axis_config.categories).toEqual(["00:00", "02:00", "04:00", "06:00", "08:00", "10:00", "12:00", "14:00", "16:00", "18:00", "20:00", "22:00", "00:00 2"]);
    expect(block.chart.series.map((s) => s.name)).toEqual(["nginx-botsearch-and…", "jail1", "jail2", "jail3", "jail4", "other (3)"]);
    expect(block.chart.series[5]!.data.slice(0, 2)).toEqual([{ label: "00:00", value: 2 * (6 + 7 + 8) }, { label: "02:00", value: 2 * (6 + 7 + 8) }]);
    expect(block.chart.series[0]!.data.at(-1)).toEqual({ label: "00:00 2", value: 1 });

    const folded = renderReply(
      { title: "t", tone: "info", images: [chartImage("s", { kind: "timeline", title: "Bans per hour", categories, series: series.slice(0, 1), valueLabel: "bans" })] },
      { dataBlocks: ALL },
    ).blocks[1] as DataVisualizationBlock;
    expect(folded.title).toBe("Bans per hour (2 per point)");
    expect(folded.chart.type).toBe("bar");
  });

  it("renders today's text table and leaves charts to uploads when the workspace has no data blocks", () => {
    const chart = { kind: "ranking" as const, title: "c", categories: ["a"], series: [{ name: "bans", values: [1] }], valueLabel: "bans" };
    const reply: Reply = { title: "t", tone: "info", table: { columns: ["c"], rows: [["x"]] }, images: [chartImage("1", chart)] };
    expect(renderReply(reply, { dataBlocks: new Set() }).blocks).toEqual([header("ℹ️ t"), section("```\nc\n─\nx\n```")]);
  });
});
