// Reads the Python literals `fail2ban-client -d` prints (repr of lists of str, int, float, bool,
// None, lists, tuples and dicts). Nothing is evaluated: anything else is a SyntaxError.

export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

const ESCAPES: Record<string, string> = { "\\": "\\", "'": "'", '"': '"', n: "\n", r: "\r", t: "\t", a: "\x07", b: "\b", f: "\f", v: "\v", "0": "\0" };
const HEX_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };
const WORDS: Record<string, PyValue> = { True: true, False: false, None: null };

export function parsePythonLiteral(text: string): PyValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at ${i} in a Python literal`);
  };
  const space = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };

  const string = (): string => {
    const quote = text[i++]!;
    let out = "";
    while (i < text.length && text[i] !== quote) {
      const c = text[i++]!;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = text[i++] ?? fail("unfinished escape");
      const hex = HEX_LENGTH[e];
      if (hex !== undefined) {
        const digits = text.slice(i, i + hex);
        if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) fail("bad escape");
        out += String.fromCodePoint(parseInt(digits, 16));
        i += hex;
      } else out += ESCAPES[e] ?? fail("unknown escape");
    }
    if (text[i++] !== quote) fail("unterminated string");
    return out;
  };

  // Items up to `close`, with Python's optional trailing comma.
  const items = <T>(close: string, item: () => T): T[] => {
    const out: T[] = [];
    for (;;) {
      space();
      if (text[i] === close) break;
      out.push(item());
      space();
      if (text[i] === ",") i++;
      else if (text[i] !== close) fail(`expected , or ${close}`);
    }
    i++;
    return out;
  };

  const value = (): PyValue => {
    space();
    const c = text[i];
    if (c === "'" || c === '"') return string();
    if (c === "[" || c === "(") {
      i++;
      return items(c === "[" ? "]" : ")", value);
    }
    if (c === "{") {
      i++;
      const entries = items("}", () => {
        const key = value();
        space();
        if (text[i++] !== ":") fail("expected :");
        return [typeof key === "string" ? key : JSON.stringify(key), value()] as const;
      });
      // No prototype, so a key such as __proto__ stays data.
      return Object.assign(Object.create(null) as Record<string, PyValue>, Object.fromEntries(entries));
    }
    const word = /^(?:[A-Za-z]+|[-+]?(?:\d+\.?\d*(?:e[-+]?\d+)?|inf|nan))/.exec(text.slice(i))?.[0] ?? fail("unexpected character");
    i += word.length;
    if (word in WORDS) return WORDS[word]!;
    const n = Number(word.replace(/inf/, "Infinity"));
    return Number.isNaN(n) && word !== "nan" ? fail(`unknown name ${word}`) : n;
  };

  const result = value();
  space();
  if (i < text.length) fail("trailing text");
  return result;
}
