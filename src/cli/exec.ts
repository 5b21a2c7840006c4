import { hasConfirmToken } from "../core/command/parse.js";
import { quote } from "../core/command/tokenize.js";
import type { Dispatcher } from "../core/dispatch.js";
import { CONSOLE_IDENTITY } from "../core/identity.js";
import { saveImages, type SaveImage } from "../adapters/console/chart-files.js";
import { renderText } from "../adapters/console/render.js";

export interface ExecOptions {
  json: boolean;
  /** Answer a destructive command's confirmation with yes, for scripts. */
  yes: boolean;
  /** Where charts go in text output; JSON carries them itself. */
  saveImage: SaveImage;
}

/** `banbot exec [--json] [--yes] -- <command line>`: one command as the local admin; exit 1 when it failed. */
export async function runExec(
  dispatcher: Pick<Dispatcher, "run">,
  line: string,
  opts: ExecOptions,
  out: (text: string) => void,
): Promise<number> {
  let reply = await dispatcher.run(line, CONSOLE_IDENTITY);
  // The confirmation still goes through the dispatcher (and the audit log); --yes only clicks it.
  const confirm = reply.actions?.find((a) => hasConfirmToken(a.command));
  if (confirm && opts.yes) reply = await dispatcher.run(confirm.command, CONSOLE_IDENTITY);
  else if (confirm) reply = { ...reply, notes: [...(reply.notes ?? []), "Run again with --yes to confirm."], actions: undefined };
  out(opts.json ? JSON.stringify(reply, jsonValue, 2) : renderText(reply, { images: saveImages(reply.images ?? [], opts.saveImage) }).text);
  return reply.tone === "error" || confirm !== undefined && !opts.yes ? 1 : 0;
}

// Images travel as base64 in JSON output.
function jsonValue(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? Buffer.from(value).toString("base64") : value;
}

/**
 * Rebuilds the command line from argv, quoting (the tokenizer's way, which has no escapes) an
 * argument that would not stay one token. `--name=value` arguments stay unquoted so they still name.
 */
export function commandLineFrom(args: readonly string[]): string {
  return args.map((a) => (/\s/.test(a) || a === "" ? quote(a) : a)).join(" ");
}

