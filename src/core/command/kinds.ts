import { parseDuration } from "../duration.js";
import { isJailName } from "../fail2ban/validate.js";
import { parseEntry } from "../blocklist/address.js";
import { normalizeIp } from "../ip.js";
import type { CommandDef, OptionSpec } from "./model.js";

// One reader per option kind, shared by the text parser, the formatter (to know which option a
// token would land in), help and the Discord schema, so every surface accepts exactly the same.

type ReadResult = { ok: true; value: string | number } | { ok: false; message: string };

/** A user-typed snippet for an error message: short, and unable to break out of a code span. */
export function shown(text: string): string {
  const clean = text.replaceAll("`", "'");
  return clean.length > 40 ? `${clean.slice(0, 39)}…` : clean;
}

/** The word a user sees for an option: the keyword they typed, the command for a bare choice, else its name. */
export function labelOf(spec: OptionSpec, command: Pick<CommandDef, "name">): string {
  return spec.keyword ?? (spec.kind === "enum" ? command.name : spec.name);
}

export function orList(values: readonly string[]): string {
  return values.length <= 1 ? values.join("") : `${values.slice(0, -1).join(", ")} or ${values.at(-1)}`;
}

/** A `text` option that takes the rest of the line. */
export function isRest(spec: OptionSpec): boolean {
  return spec.kind === "text" && spec.rest === true;
}

/** One given value as the option's values: a `multiple` option's may list several, split on spaces or commas. */
export function splitValues(spec: OptionSpec, text: string): string[] {
  return spec.multiple ? text.split(/[\s,]+/).filter(Boolean) : [text];
}

/** "a duration like 30m, 2h, 7d": what an option takes, for errors and help. */
export function expectation(spec: OptionSpec): string {
  switch (spec.kind) {
    case "ip":
      return "an IP address";
    case "ip-or-cidr":
      return "an IP address or CIDR network";
    case "jail":
      return "a jail name";
    case "duration":
      return "a duration like 30m, 2h, 7d";
    case "int":
      if (spec.min !== undefined && spec.max !== undefined) return `a whole number from ${spec.min} to ${spec.max}`;
      if (spec.min !== undefined) return `a whole number from ${spec.min}`;
      if (spec.max !== undefined) return `a whole number up to ${spec.max}`;
      return "a whole number";
    case "enum":
      return orList(spec.values);
    case "text":
      return "some text";
  }
}

export function readValue(spec: OptionSpec, token: string, label: string): ReadResult {
  const fail = (message: string): ReadResult => ({ ok: false, message });
  // Written only when needed: a list of 20,000 addresses is read without it.
  const expected = (): ReadResult => fail(`\`${label}\` expects ${expectation(spec)}.`);
  if (token === "") return expected();
  switch (spec.kind) {
    case "ip": {
      const ip = normalizeIp(token);
      return ip ? { ok: true, value: ip } : fail(`“${shown(token)}” is not an IP address.`);
    }
    case "ip-or-cidr": {
      // In the form fail2ban lists it (host bits cleared: 198.51.100.7/24 is 198.51.100.0/24), so
      // replies, buttons and timed bans name what fail2ban will show.
      const network = parseEntry(token.trim());
      return network ? { ok: true, value: network.text } : fail(`“${shown(token)}” is not an IP address or CIDR network.`);
    }
    case "jail":
      return isJailName(token) ? { ok: true, value: token } : fail(`“${shown(token)}” is not a valid jail name.`);
    case "duration": {
      const ms = parseDuration(token);
      if (ms === 0) return fail(`\`${label}\` needs a duration longer than ${shown(token)}.`);
      return ms !== undefined && ms > 0 ? { ok: true, value: ms } : expected();
    }
    case "int": {
      const n = /^[+-]?\d{1,16}$/.test(token) ? Number(token) : NaN;
      const inRange = Number.isSafeInteger(n) && n >= (spec.min ?? -Infinity) && n <= (spec.max ?? Infinity);
      return inRange ? { ok: true, value: n } : expected();
    }
    case "enum": {
      const value = spec.values.find((v) => v.toLowerCase() === token.toLowerCase());
      return value === undefined ? expected() : { ok: true, value };
    }
    case "text":
      return { ok: true, value: token };
  }
}

/**
 * Whether a token that this kind rejects was evidently meant for it (`999.9.9.9` for an address),
 * so the parser reports the mistake there instead of handing the token to a later option.
 */
export function claims(spec: OptionSpec, token: string): boolean {
  // `0d` is a duration, only too short: not a jail named 0d.
  if (spec.kind === "duration") return parseDuration(token) === 0;
  if (spec.kind !== "ip" && spec.kind !== "ip-or-cidr") return false;
  // Jail names never hold a colon, and no one names a jail in digits and dots.
  return token.includes(":") || (/^[\d.]+(\/\d*)?$/.test(token) && token.includes("."));
}

export function accepts(spec: OptionSpec, token: string): boolean {
  return readValue(spec, token, spec.name).ok;
}

const UNITS = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1000],
  ["ms", 1],
] as const;

/**
 * 5_400_000 → "1h30m", exact (unlike time-format's rounded display form) so a command line
 * survives formatting. No weeks: "10d" reads better than "1w3d".
 */
export function durationToken(ms: number): string {
  let left = Math.max(0, Math.trunc(ms));
  let text = "";
  for (const [unit, size] of UNITS) {
    const count = Math.floor(left / size);
    if (count > 0) text += `${count}${unit}`;
    left -= count * size;
  }
  return text || "0s";
}

/** A parsed value back to the text a user would type for it (unquoted). */
export function textOf(spec: OptionSpec, value: unknown): string {
  if (spec.kind === "duration" && typeof value === "number") return durationToken(value);
  return String(value);
}
