import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { chartFiles, saveImages } from "../../../src/adapters/console/chart-files.js";
import { runConsole } from "../../../src/adapters/console/console.js";
import { renderText } from "../../../src/adapters/console/render.js";
import { imageProtocol, inlineImage } from "../../../src/adapters/console/terminal-images.js";
import type { Image, Reply } from "../../../src/core/reply.js";
import { createHistoryArchive } from "../../../src/store/history-archive.js";
import { useBanBot } from "../../harness/banbot.js";
import { useTempDir } from "../../harness/temp-dir.js";

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
const image = (name: string, bytes = [...PNG_MAGIC, 1, 2, 3]): Image => ({ name, png: Uint8Array.from(bytes), alt: `${name} chart`, width: 2, height: 2 });

describe("chartFiles", () => {
  const tmp = useTempDir("bbc-");

  it("writes each image as a PNG named after it and the time, never overwriting one", () => {
    const save = chartFiles({ dir: join(tmp.path, "charts"), now: () => Date.UTC(2026, 10, 22, 9, 45, 12) });
    const first = save(image("top-ips.png"));
    const second = save(image("top-ips.png"));
    expect(first).toBe(join(tmp.path, "charts", "top-ips-20261122-094512.png"));
    expect(second).toBe(join(tmp.path, "charts", "top-ips-20261122-094512-2.png"));
    expect(readFileSync(first).subarray(0, 4)).toEqual(PNG_MAGIC);
  });

  it("keeps only the newest files", () => {
    const dir = join(tmp.path, "pruned");
    let at = Date.UTC(2026, 10, 22, 9, 0, 0);
    const save = chartFiles({ dir, keep: 2, now: () => (at += 1000) });
    const paths = [save(image("a")), save(image("b"))];
    // Older by mtime, as files written earlier are.
    utimesSync(paths[0]!, new Date(at - 60_000), new Date(at - 60_000));
    const newest = save(image("c"));
    expect(readdirSync(dir).sort()).toEqual([paths[1]!, newest].map((p) => p.slice(dir.length + 1)).sort());
  });

  it("tells why an image could not be saved instead of losing the reply", () => {
    const blocked = join(tmp.path, "not-a-dir");
    writeFileSync(blocked, "");
    expect(saveImages([image("x")], chartFiles({ dir: blocked }))).toEqual([{ error: "EEXIST" }]);
  });
});

describe("renderText with charts", () => {
  const reply: Reply = { title: "Top ips", tone: "info", images: [image("one"), image("two"), image("three")] };

  it("says where each chart went, or why it is not there", () => {
    const text = renderText(reply, { images: [{ path: "/data/charts/one-1.png" }, { error: "EACCES" }] }).text;
    expect(text).toBe(
      ["• Top ips", "  Chart: /data/charts/one-1.png", "    one chart", "  Chart not saved (EACCES): two chart", "  [image: three chart]"].join("\n"),
    );
  });
});

describe("terminal images", () => {
  it.each([
    [{ TERM: "xterm-kitty" }, true, "kitty"],
    [{ KITTY_WINDOW_ID: "1", TERM: "xterm-256color" }, true, "kitty"],
    [{ TERM_PROGRAM: "ghostty" }, true, "kitty"],
    [{ TERM_PROGRAM: "iTerm.app" }, true, "iterm2"],
    [{ LC_TERMINAL: "iTerm2" }, true, "iterm2"],
    [{ TERM_PROGRAM: "WezTerm" }, true, "iterm2"],
    [{ TERM: "xterm-kitty" }, false, undefined],
    [{ TERM: "xterm-kitty", TMUX: "/tmp/tmux-1/default,1,0" }, true, undefined],
    [{ TERM: "xterm-256color" }, true, undefined],
  ] as const)("GIVEN %o on a terminal: %s THEN %s", (env, tty, protocol) => {
    expect(imageProtocol(env, tty)).toBe(protocol);
  });

  it("sends kitty's protocol in chunks of 4096, asking for no reply", () => {
    const png = new Uint8Array(3100).fill(7);
    const data = Buffer.from(png).toString("base64");
    expect(inlineImage(png, "kitty", 80)).toBe(
      `\x1b_Ga=T,f=100,q=2,c=80,m=1;${data.slice(0, 4096)}\x1b\\` + `\x1b_Gm=0;${data.slice(4096)}\x1b\\`,
    );
  });

  it("sends iTerm2's inline file sequence with the size and width", () => {
    expect(inlineImage(Uint8Array.from([1, 2, 3]), "iterm2", 60)).toBe("\x1b]1337;File=inline=1;size=3;width=60;preserveAspectRatio=1:AQID\x07");
  });
});

describe("runConsole charts", () => {
  const bot = useBanBot();
  const charts = useTempDir("bbcc-");

  async function session(lines: string[], protocol?: "kitty"): Promise<string> {
    const input = new PassThrough();
    const output = new PassThrough();
    let text = "";
    output.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    const done = runConsole({ dispatcher: bot.core.dispatcher, input, output, saveImage: chartFiles({ dir: charts.path }), imageProtocol: protocol });
    input.end(`${lines.join("\n")}\nexit\n`);
    await done;
    return text;
  }

  it("writes `top` and `stats` charts to files and prints their paths; a kitty terminal also draws them", async () => {
    const at = bot.clock.now() - 3_600_000;
    createHistoryArchive(bot.db).add(
      ["192.0.2.1", "192.0.2.2", "192.0.2.1"].map((ip, i) => ({ host: hostname(), jail: "alpha", ip, kind: "ban" as const, at: at + i, banTime: at / 1000, banSeconds: 600, banCount: 1, failures: 5, origin: "fail2ban" as const })),
    );
    const text = await session(["top ips", "stats 24h"]);
    const paths = [...text.matchAll(/^ {2}Chart: (\S+)$/gm)].map((m) => m[1]!);
    expect(paths).toHaveLength(2);
    expect(paths[0]).toMatch(new RegExp(`^${charts.path}/top-ips-\\d{8}-\\d{6}\\.png$`));
    expect(paths[1]).toMatch(/\/bans-over-time-\d{8}-\d{6}\.png$/);
    for (const path of paths) expect(readFileSync(path).subarray(0, 4)).toEqual(PNG_MAGIC);
    expect(text).not.toContain("\x1b_G");

    const drawn = await session(["top ips"], "kitty");
    expect(drawn).toContain("\x1b_Ga=T,f=100,q=2,c=80,m=1;iVBORw0KGgo");
    expect(existsSync(charts.path)).toBe(true);
  });
});
