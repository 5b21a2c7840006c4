import { z } from "zod";
import { UserError } from "../errors.js";
import { PyObject, isDict, str, type PickleValue } from "./pickle.js";

// Pure: turn decoded socket replies into typed values, validating the shape at the boundary.

export interface ServerStatus {
  jails: string[];
}

export interface JailStatus {
  currentlyFailed: number;
  totalFailed: number;
  /** Watched log files; empty for the systemd backend. */
  files: string[];
  journalMatches: string[];
  currentlyBanned: number;
  totalBanned: number;
  /** In ban order; absent for the short flavour. */
  bannedIps?: string[];
}

export interface BanEntry {
  ip: string;
  /** undefined when the server cannot tell (0.10 has no ban times over the socket). */
  start: Date | undefined;
  /** -1 for a permanent ban. */
  banSeconds: number | undefined;
  /** undefined for a permanent ban, or when unknown. */
  end: Date | undefined;
}

/** A `(1, exception)` reply: fail2ban ran the command and it failed. */
export class Fail2banCommandError extends UserError {
  constructor(
    readonly pyType: string,
    readonly pyMessage: string,
  ) {
    super("fail2ban_rejected", `fail2ban rejected the command: ${pyMessage || shortType(pyType)}`);
  }
}

function shortType(pyType: string): string {
  return pyType.slice(pyType.lastIndexOf(".") + 1);
}

export function unwrapReply(reply: PickleValue): PickleValue {
  if (typeof reply === "string" && reply.startsWith("ERROR:")) {
    throw new UserError("fail2ban_protocol", "fail2ban could not read the request.", { cause: new Error(reply) });
  }
  if (Array.isArray(reply) && reply.length === 1 && reply[0] === "SHUTDOWN") {
    throw new UserError("fail2ban_unavailable", "fail2ban is shutting down.");
  }
  if (Array.isArray(reply) && reply.length === 2) {
    const [code, value] = reply;
    if (code === 0) return value!;
    if (code === 1) {
      const exc = value instanceof PyObject ? value : new PyObject("builtins.Exception", [str(value ?? null)]);
      throw new Fail2banCommandError(exc.type, str(exc.args?.[0] ?? ""));
    }
  }
  throw protocolError(new Error("reply is not a (code, value) pair"));
}

export function protocolError(cause: unknown): UserError {
  return new UserError("fail2ban_protocol", "fail2ban sent a reply BanBot does not understand.", { cause });
}

export function parseWith<T>(schema: z.ZodType<T>, value: PickleValue): T {
  // Transforms below parse nested parts with .parse(), so any throw here means a malformed reply.
  try {
    return schema.parse(value);
  } catch (err) {
    throw protocolError(err);
  }
}

const pairList = z.array(z.tuple([z.string(), z.unknown()])).transform((pairs) => new Map(pairs));
const count = z.number().int().nonnegative();
// A jail's list of 100,000 addresses: one pass over it, not a zod parse (and a copy) per element.
const stringList = z.custom<string[]>((v) => Array.isArray(v) && v.every((s) => typeof s === "string"), "expected a list of strings");

export const statusSchema = pairList.transform((m): ServerStatus => {
  const list = z.string().parse(m.get("Jail list"));
  return { jails: list === "" ? [] : list.split(/,\s*/) };
});

const filterSection = pairList.transform((m) => ({
  currentlyFailed: count.parse(m.get("Currently failed")),
  totalFailed: count.parse(m.get("Total failed")),
  files: stringList.parse(m.get("File list") ?? []),
  journalMatches: stringList.parse(m.get("Journal matches") ?? []),
}));

const actionsSection = pairList.transform((m) => ({
  currentlyBanned: count.parse(m.get("Currently banned")),
  totalBanned: count.parse(m.get("Total banned")),
  bannedIps: m.has("Banned IP list") ? stringList.parse(m.get("Banned IP list")) : undefined,
}));

export const jailStatusSchema = pairList.transform((m): JailStatus => {
  const { bannedIps, ...counts } = actionsSection.parse(m.get("Actions"));
  return { ...filterSection.parse(m.get("Filter")), ...counts, ...(bannedIps ? { bannedIps } : {}) };
});

// fail2ban formats these as '%s \t%s + %d = %s' in the server's local time, without a zone. Large
// jails send 100,000 of them, so they are cut by position rather than by a regex, and each distinct
// second is converted to a Date once.
const STAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

function localTimeParser(): (text: string) => number | undefined {
  const cache = new Map<string, number>();
  return (text) => {
    let ms = cache.get(text);
    if (ms === undefined) {
      if (!STAMP.test(text)) return undefined;
      const [y, mo, d, h, mi, s] = text.split(/[- :]/).map(Number) as [number, number, number, number, number, number];
      ms = new Date(y, mo - 1, d, h, mi, s).getTime();
      cache.set(text, ms);
    }
    return ms;
  };
}

export const banEntriesSchema = z.array(z.string()).transform((lines): BanEntry[] => {
  const localTime = localTimeParser();
  return lines.map((line) => {
    const tab = line.indexOf(" \t");
    const plus = line.indexOf(" + ", tab);
    const eq = line.indexOf(" = ", plus);
    const start = tab > 0 && plus === tab + 21 ? localTime(line.slice(tab + 2, plus)) : undefined;
    const secs = eq > plus ? Number(line.slice(plus + 3, eq)) : Number.NaN;
    if (start === undefined || !Number.isInteger(secs)) throw new Error(`unreadable ban entry: ${line.slice(0, 80)}`);
    return { ip: line.slice(0, tab), start: new Date(start), banSeconds: secs, end: secs < 0 ? undefined : new Date(start + secs * 1000) };
  });
});

/** `banned`: one single-key dict per jail. */
export const bannedSchema = z.array(z.custom<PickleValue>(isDict)).transform((dicts) => {
  const byJail = new Map<string, string[]>();
  for (const d of dicts) {
    for (const [jail, ips] of Object.entries(d as Record<string, unknown>)) byJail.set(jail, stringList.parse(ips));
  }
  return byJail;
});

/** ignoreip entries; from 1.1 an `ignoreip = file:…` entry arrives as a FileIPAddrSet object. */
export const ignoreListSchema = z
  .array(z.union([z.string(), z.instanceof(PyObject)]))
  .transform((items) =>
    items.map((item) => {
      if (typeof item === "string") return item;
      const state = item.state;
      const file = isDict(state) ? state.fileName : undefined;
      return typeof file === "string" ? `file:${file}` : `<${shortType(item.type)}>`;
    }),
  );

export const datePatternSchema = z
  .union([z.null(), z.tuple([z.string().nullable(), z.string().nullable()])])
  .transform((v) => (v === null ? undefined : (v[0] === null ? undefined : { pattern: v[0], name: v[1] ?? v[0] })));

export const intSchema = z.number().int();
export const boolSchema = z.boolean();
export const stringSchema = z.string();
export const stringListSchema = stringList;
export const optionalSchema = z.union([z.string(), z.number(), z.boolean()]).nullable().transform((v) => v ?? undefined);
export const ipJailsSchema = z.array(z.array(z.string()));
