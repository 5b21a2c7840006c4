// Terminals that draw images inline, and the escape sequences they read. Kitty's graphics protocol
// (kitty, Ghostty, WezTerm): https://sw.kovidgoyal.net/kitty/graphics-protocol/ ; iTerm2's inline
// images (iTerm2, WezTerm): https://iterm2.com/documentation-images.html

export type ImageProtocol = "kitty" | "iterm2";

/** The protocol the terminal on stdout speaks, judged from its environment; none unless it is a terminal. */
export function imageProtocol(env: Record<string, string | undefined>, isTTY: boolean): ImageProtocol | undefined {
  if (!isTTY) return undefined;
  // Inside tmux or screen the sequences would need wrapping and the multiplexer's consent.
  if (env.TMUX || env.TERM?.startsWith("screen") || env.TERM?.startsWith("tmux")) return undefined;
  if (env.KITTY_WINDOW_ID || env.TERM === "xterm-kitty" || env.TERM === "xterm-ghostty" || env.TERM_PROGRAM === "ghostty") return "kitty";
  if (env.TERM_PROGRAM === "iTerm.app" || env.LC_TERMINAL === "iTerm2" || env.TERM_PROGRAM === "WezTerm") return "iterm2";
  return undefined;
}

/** Kitty sends at most this much base64 per escape sequence. */
const KITTY_CHUNK = 4096;

/** The escape sequence that shows `png` inline, `columns` character cells wide. */
export function inlineImage(png: Uint8Array, protocol: ImageProtocol, columns: number): string {
  const data = Buffer.from(png).toString("base64");
  if (protocol === "iterm2") return `\x1b]1337;File=inline=1;size=${png.length};width=${columns};preserveAspectRatio=1:${data}\x07`;
  let out = "";
  for (let at = 0; at < data.length; at += KITTY_CHUNK) {
    const more = at + KITTY_CHUNK < data.length ? 1 : 0;
    // q=2: the terminal sends no reply, which would otherwise arrive on stdin as typed input.
    const keys = at === 0 ? `a=T,f=100,q=2,c=${columns},m=${more}` : `m=${more}`;
    out += `\x1b_G${keys};${data.slice(at, at + KITTY_CHUNK)}\x1b\\`;
  }
  return out;
}
