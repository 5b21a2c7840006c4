import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Dispatcher } from "../../core/dispatch.js";
import { CONSOLE_IDENTITY } from "../../core/identity.js";
import type { Action, Reply } from "../../core/reply.js";
import { renderText } from "./render.js";

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
}

/**
 * An interactive prompt running commands as the local admin. A reply's actions are numbered; typing
 * the number runs that action, exactly as clicking its button would in chat. Works as well with
 * piped input (a script of commands), which is how the tests drive it.
 */
export async function runConsole({ dispatcher, input, output, banner, notices }: ConsoleOptions): Promise<void> {
  const tty = (output as NodeJS.WriteStream).isTTY === true;
  const rl = createInterface({ input, output, terminal: tty, historySize: 200 });
  const print = (text: string) => output.write(`${text}\n`);
  const width = () => (tty ? (output as NodeJS.WriteStream).columns : undefined);
  let actions: Action[] = [];
  const stop = notices?.((notice) => {
    let text: string;
    if (typeof notice === "string") text = notice;
    else {
      const rendered = renderText(notice, { width: width() });
      actions = rendered.actions;
      text = rendered.text;
    }
    if (!tty) {
      print(text);
      return;
    }
    // On a terminal, clear the prompt line, print, and redraw the prompt with what was being typed.
    output.write(`\r\x1b[K${text}\n`);
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
          // Read each time: the terminal may have been resized.
          const rendered = renderText(reply, { width: width() });
          actions = rendered.actions;
          print(rendered.text);
        }
      }
      rl.prompt();
    }
  } finally {
    stop?.();
    rl.close();
  }
}
