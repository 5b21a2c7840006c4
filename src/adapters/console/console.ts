import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Dispatcher } from "../../core/dispatch.js";
import { CONSOLE_IDENTITY } from "../../core/identity.js";
import type { Action } from "../../core/reply.js";
import { renderText } from "./render.js";

export interface ConsoleOptions {
  dispatcher: Pick<Dispatcher, "run">;
  input: Readable;
  output: Writable;
  banner?: string;
  /** Things that happen meanwhile (the demo's new bans); printed above the prompt. */
  notices?: (notify: (text: string) => void) => () => void;
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
  // On a terminal, clear the prompt line, print, and redraw the prompt with what was being typed.
  const stop = notices?.((text) => {
    if (!tty) return;
    output.write(`\r\x1b[K${text}\n`);
    rl.prompt(true);
  });
  if (banner) print(banner);
  print("Type `help` for the commands, a number to run one of the numbered actions, `exit` to leave.");
  rl.setPrompt("f2b> ");
  rl.prompt();
  let actions: Action[] = [];
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
          const rendered = renderText(reply, { width: tty ? (output as NodeJS.WriteStream).columns : undefined });
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
