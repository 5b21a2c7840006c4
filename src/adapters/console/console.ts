import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Dispatcher } from "../../core/dispatch.js";
import { CONSOLE_IDENTITY } from "../../core/identity.js";
import type { Action, Reply } from "../../core/reply.js";
import { saveImages, type SaveImage } from "./chart-files.js";
import { renderText } from "./render.js";
import { inlineImage, type ImageProtocol } from "./terminal-images.js";

export interface ConsoleOptions {
  dispatcher: Pick<Dispatcher, "run">;
  input: Readable;
  output: Writable;
  banner?: string;
  /**
   * Things that happen meanwhile (the demo's new bans, alerts posted to the console), printed above
   * the prompt. A reply's actions are numbered and become the ones a typed number runs, as if it had
   * been the last command's reply.
   */
  notices?: (notify: (notice: string | Reply) => void) => () => void;
  /** Where charts go; the console prints each file's path. */
  saveImage: SaveImage;
  /** The terminal shows images itself: charts are drawn inline too. */
  imageProtocol?: ImageProtocol;
}

/**
 * An interactive prompt running commands as the local admin. A reply's actions are numbered; typing
 * the number runs that action, exactly as clicking its button would in chat. Works as well with
 * piped input (a script of commands), which is how the tests drive it.
 */
export async function runConsole({ dispatcher, input, output, banner, notices, saveImage, imageProtocol }: ConsoleOptions): Promise<void> {
  const tty = (output as NodeJS.WriteStream).isTTY === true;
  const rl = createInterface({ input, output, terminal: tty, historySize: 200 });
  const print = (text: string) => output.write(`${text}\n`);
  const width = () => (tty ? (output as NodeJS.WriteStream).columns : undefined);
  let actions: Action[] = [];
  // Read the width each time: the terminal may have been resized.
  const render = (reply: Reply) => renderText(reply, { images: saveImages(reply.images ?? [], saveImage), width: width() });
  const stop = notices?.((notice) => {
    let text: string;
    if (typeof notice === "string") text = notice;
    else {
      const rendered = render(notice);
      actions = rendered.actions;
      text = rendered.text;
    }
    if (!tty) {
      print(text);
      return;
    }
    // On a terminal, clear the prompt line, print, and redraw the prompt with what was being typed.
    output.write(`\r\x1b[K${text}\n`);
    if (typeof notice !== "string" && imageProtocol) showInline(notice, imageProtocol, output);
    rl.prompt(true);
  });
  if (banner) print(banner);
  print("Type `help` for the commands, a number to run one of the numbered actions, `exit` to leave.");
  rl.setPrompt("f2b> ");
  rl.prompt();
  try {
    // The async iterator buffers lines that arrive while a command runs; question() would drop them.
    for await (const raw of rl) {
      const line = raw.trim();
      if (line === "exit" || line === "quit") break;
      if (line !== "") {
        const number = /^\d+$/.test(line) ? Number(line) : undefined;
        const picked = number === undefined ? undefined : actions[number - 1];
        if (number !== undefined && !picked) {
          print(`There is no action ${line} on the last reply.`);
        } else {
          if (picked) print(`→ ${picked.command}`);
          const reply = await dispatcher.run(picked ? picked.command : line, CONSOLE_IDENTITY);
          const rendered = render(reply);
          actions = rendered.actions;
          print(rendered.text);
          if (imageProtocol) showInline(reply, imageProtocol, output);
        }
      }
      rl.prompt();
    }
  } finally {
    stop?.();
    rl.close();
  }
}

function showInline(reply: Reply, protocol: ImageProtocol, output: Writable): void {
  const columns = Math.min((output as NodeJS.WriteStream).columns || 80, 100);
  for (const image of reply.images ?? []) output.write(`${inlineImage(image.png, protocol, columns)}\n`);
}
