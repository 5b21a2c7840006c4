import { tokenize } from "../command/tokenize.js";

// A Confirm button appends its token after the target: it stays with the line.
const CONFIRM = /\s+--confirm=\S+/;

/** A command line with the hosts it is meant for taken off. */
export interface Targeted {
  line: string;
  /** What followed `on` (`web1`, `web1,db1`, `web`, `all`); `all` for a trailing `everywhere`; undefined: none given. */
  target?: string;
}

/**
 * Takes a trailing `on <target>` or `everywhere` off a line, for fleet mode: `unban 192.0.2.1
 * everywhere`, `banned sshd on web1`, `status on web, db1`, and before a last `for <duration>`
 * (`ban 192.0.2.1 sshd on all for 1d`). Only unquoted words count, so a value that must end in them
 * (a note "on monday") is written quoted. The target's words are joined back without spaces (`web,
 * db1` is `web,db1`).
 */
export function splitTarget(line: string): Targeted {
  const confirm = CONFIRM.exec(line);
  if (confirm) {
    const { line: base, target } = splitTarget(line.replace(CONFIRM, ""));
    return { line: `${base}${confirm[0]}`, ...(target === undefined ? {} : { target }) };
  }
  const tokens = tokenize(line);
  // `ban 192.0.2.1 sshd on all for 1d`: a duration may follow the target, as people say it.
  const [forWord, duration] = tokens.slice(-2);
  if (tokens.length > 4 && forWord?.text.toLowerCase() === "for" && !forWord.quoted && duration && !duration.quoted) {
    const { line: base, target } = splitTarget(rest(line, 2));
    if (target !== undefined) return { line: `${base} for ${duration.text}`, target };
  }
  // `on a, b` tokenizes as `on`, `a,`, `b`: walk back over a comma-joined list to its `on`.
  let i = tokens.length - 1;
  const last = tokens[i];
  if (last === undefined || last.quoted) return { line };
  if (last.text.toLowerCase() === "everywhere" && tokens.length > 1) return { line: rest(line, 1), target: "all" };
  let words = 1;
  while (i > 0 && !tokens[i - 1]!.quoted && (tokens[i - 1]!.text.endsWith(",") || tokens[i]!.text.startsWith(","))) {
    i--;
    words++;
  }
  const on = tokens[i - 1];
  if (on === undefined || on.quoted || on.text.toLowerCase() !== "on" || i - 1 === 0) return { line };
  const target = tokens
    .slice(i)
    .map((t) => t.text)
    .join("")
    .replace(/,+/g, ",");
  return { line: rest(line, words + 1), target };
}

/** The line without its last `n` whitespace-separated words (tokens of a target are never quoted). */
function rest(line: string, n: number): string {
  const words = line.trimEnd().split(/(\s+)/);
  // Words sit at even indexes with the spaces between them at odd ones.
  return words.slice(0, Math.max(0, words.length - 2 * n)).join("").trimEnd();
}
