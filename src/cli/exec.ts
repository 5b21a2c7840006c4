import type { Readable } from "node:stream";
import { hasConfirmToken } from "../core/command/parse.js";
import { quote } from "../core/command/tokenize.js";
import type { Dispatcher } from "../core/dispatch.js";
import { UserError } from "../core/errors.js";
import { CONSOLE_IDENTITY } from "../core/identity.js";
import { saveImages, type SaveImage } from "../adapters/console/chart-files.js";
import { renderText } from "../adapters/console/render.js";
import type { Reply } from "../core/reply.js";

export interface ExecOptions {
  json: boolean;
  /** Answer a destructive command's confirmation with yes, for scripts. */
  yes: boolean;
  /** Where charts go in text output; JSON carries them itself. */
  saveImage: SaveImage;
  /** The terminal's width, when the output is one: tables are cut to fit. */
  width?: number;
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
  out(opts.json ? JSON.stringify(jsonReply(reply), null, 2) : renderText(reply, { images: saveImages(reply.images ?? [], opts.saveImage), width: opts.width }).text);
  return reply.tone === "error" || confirm !== undefined && !opts.yes ? 1 : 0;
}

// Images travel as base64 in JSON output. Converted before stringifying: JSON.stringify hands a
// replacer a Buffer already turned into {"type":"Buffer","data":[…]} by its toJSON.
function jsonReply(reply: Reply): unknown {
  if (!reply.images) return reply;
  return { ...reply, images: reply.images.map((image) => ({ ...image, png: Buffer.from(image.png).toString("base64") })) };
}

const FLAGS: readonly string[] = ["--json", "--yes"];
const isFlag = (word: string) => FLAGS.includes(word);
const EXEC_USAGE = "Usage: banbot exec [--json] [--yes] -- <command line>   (a lone - reads addresses from standard input)";

/**
 * exec's own flags come before `--` (or lead, when there is no `--`); everything after is the
 * command line, word for word. A flag of exec's there is a mistake the command would otherwise
 * swallow (`audit --json` would look for a user named --json), so it is refused, saying where it goes.
 */
export function parseExecArgs(args: readonly string[]): (Pick<ExecOptions, "json" | "yes"> & { words: string[] }) | { error: string } {
  const dashes = args.indexOf("--");
  let split = dashes;
  if (split < 0) for (split = 0; split < args.length && args[split]!.startsWith("--"); split++);
  const flags = args.slice(0, split);
  const words = args.slice(dashes >= 0 ? dashes + 1 : split);
  const unknown = flags.find((f) => !isFlag(f));
  if (unknown !== undefined) return { error: `exec has no flag ${unknown} (it takes ${FLAGS.join(" and ")}).\n${EXEC_USAGE}` };
  const stray = words.find(isFlag);
  if (stray !== undefined) {
    const where = dashes >= 0 ? "after `--`" : "after the command";
    const fixed = ["banbot", "exec", ...new Set([...flags, ...words.filter(isFlag)]), "--", ...words.filter((w) => !isFlag(w))];
    return { error: `${stray} comes ${where}, where it would be read as part of the command line, so nothing was run; put exec's flags first: ${commandLineFrom(fixed)}` };
  }
  if (words.length === 0) return { error: EXEC_USAGE };
  return { json: flags.includes("--json"), yes: flags.includes("--yes"), words };
}

/**
 * Rebuilds the command line from argv, quoting (the tokenizer's way, which has no escapes) an
 * argument that would not stay one token. `--name=value` arguments stay unquoted so they still name.
 */
export function commandLineFrom(args: readonly string[]): string {
  return args.map((a) => (/\s/.test(a) || a === "" ? quote(a) : a)).join(" ");
}

/**
 * A lone `-` argument stands for the words of standard input (`ban - sshd < list.txt`): a list of
 * 20,000 addresses does not fit one command-line argument through npx or a shell's limits. `#`
 * starts a comment; every other word is an argument, so a word that is no address is refused by
 * the command like a typed one, and nothing is dropped quietly.
 */
export async function argsWithStdin(args: readonly string[], stdin: Readable & { isTTY?: boolean }): Promise<string[]> {
  const at = args.indexOf("-");
  if (at < 0) return [...args];
  if (args.indexOf("-", at + 1) >= 0) throw new UserError("invalid_argument", "Only one `-` can stand for standard input.");
  if (stdin.isTTY) throw new UserError("invalid_argument", "`-` reads the addresses from standard input: pipe or redirect a list into banbot, e.g. `< list.txt`.");
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  // The whole text at once (a list of 20,000 lines line by line took three times as long).
  const words = Buffer.concat(chunks)
    .toString("utf8")
    .replace(/#.*/g, "")
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0) throw new UserError("invalid_argument", "`-` stands for standard input, which held nothing but blanks and comments.");
  return [...args.slice(0, at), ...words, ...args.slice(at + 1)];
}
